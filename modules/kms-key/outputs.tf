output "arn" {
  description = "ARN of the key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "ID of the key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "The key's alias (alias/…)."
  value       = aws_kms_alias.this.name
}

output "policy" {
  description = "The key policy (JSON), for the callers' tests."
  value       = aws_kms_key.this.policy
}

output "rotation_enabled" {
  description = "Whether automatic key rotation is on (always, for the callers' tests)."
  value       = aws_kms_key.this.enable_key_rotation
}

output "deletion_window_in_days" {
  description = "Waiting period before the key is deleted."
  value       = aws_kms_key.this.deletion_window_in_days
}
