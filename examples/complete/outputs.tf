output "load_balancer_dns_name" {
  description = "Point the public URL's host (CNAME or Route 53 alias) here."
  value       = module.alb.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record."
  value       = module.alb.zone_id
}

output "mcp_url" {
  description = "The MCP endpoint clients connect to."
  value       = var.public_url
}

output "task_role_arn" {
  description = "The task role every data role must trust."
  value       = module.mcp.task_role_arn
}

output "data_role_arn" {
  description = "The sample data role (default role of principals whose token names none)."
  value       = aws_iam_role.data_analyst.arn
}

output "category_policies" {
  description = "Rendered policies of the enabled categories, for further data roles."
  value       = module.mcp.category_policies
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the service."
  value       = module.observability.dashboard_name
}

output "audit_trail_log_group_name" {
  description = "CloudWatch log group of the audit trail ($TRAIL_LOG_GROUP of runbooks/audit-trail.md), or null."
  value       = var.create_audit_trail ? module.audit[0].log_group_name : null
}
