output "mcp_url" {
  description = "The MCP endpoint clients connect to."
  value       = var.public_url
}

output "task_role_arn" {
  description = "The task role your data roles must trust."
  value       = module.mcp.task_role_arn
}

output "data_role_trust_policy" {
  description = "Trust policy for your data roles (only this task role, only with the server's session tags)."
  value       = module.mcp.data_role_trust_policy
}

output "category_policies" {
  description = "Policies of the enabled categories for your data roles, scoped to the given buckets."
  value       = module.mcp.category_policies
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.sns_topic_arn
}
