output "web_acl_arn" {
  description = "ARN of the web ACL (modules/alb web_acl_arn)."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_name" {
  description = "Name of the web ACL (CloudWatch dimension WebACL, for modules/observability)."
  value       = aws_wafv2_web_acl.this.name
}

output "web_acl_id" {
  description = "ID of the web ACL."
  value       = aws_wafv2_web_acl.this.id
}

output "log_group_name" {
  description = "Log group of the WAF logs (aws-waf-logs-*), authorization header redacted."
  value       = aws_cloudwatch_log_group.this.name
}

output "kms_key_arn" {
  description = "KMS key encrypting the WAF logs."
  value       = local.kms_key_arn
}

output "managed_rule_groups" {
  description = "AWS managed rule groups of the web ACL."
  value       = sort([for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0].name if length(r.statement[0].managed_rule_group_statement) > 0])
}
