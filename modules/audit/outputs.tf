output "trail_arn" {
  description = "ARN of the CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "trail_name" {
  description = "Name of the trail (aws cloudtrail validate-logs --trail-arn takes its ARN)."
  value       = aws_cloudtrail.this.name
}

output "bucket_name" {
  description = "Bucket holding the trail's log files (with their digest files for log file validation)."
  value       = aws_s3_bucket.trail.id
}

output "log_group_name" {
  description = "CloudWatch log group the trail delivers to ($TRAIL_LOG_GROUP of runbooks/audit-trail.md)."
  value       = aws_cloudwatch_log_group.trail.name
}

output "kms_key_arn" {
  description = "KMS key encrypting the trail's log files and log group (readers need kms:Decrypt on it through IAM)."
  value       = module.kms_key.arn
}

output "cloudwatch_role_arn" {
  description = "Role CloudTrail uses to deliver to the log group."
  value       = aws_iam_role.cloudwatch.arn
}

output "advanced_event_selectors" {
  description = "The trail's event selectors (management events, S3 data events on the data buckets), for the callers' tests."
  value       = aws_cloudtrail.this.advanced_event_selector
}
