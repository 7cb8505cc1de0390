output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "cluster_arn" {
  description = "ARN of the ECS cluster running the service."
  value       = local.cluster_arn
}

output "cluster_name" {
  description = "Name of the ECS cluster running the service."
  value       = local.cluster_name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the server container in the task definition."
  value       = local.container_name
}

output "container_environment" {
  description = "The plain environment of the container (no secret is ever in it)."
  value       = local.container_environment
}

output "container_secret_names" {
  description = "Environment names injected by ECS from Secrets Manager or SSM (valueFrom)."
  value       = sort(keys(local.container_secrets))
}

output "task_role_arn" {
  description = "ARN of the task role; the data roles' trust policies name it."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Name of the task role."
  value       = aws_iam_role.task.name
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, container secrets)."
  value       = aws_iam_role.execution.arn
}

output "security_group_id" {
  description = "Security group of the tasks (e.g. for the VPC endpoints' ingress)."
  value       = aws_security_group.service.id
}

output "target_group_arn" {
  description = "ARN of the target group."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension TargetGroup)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer owning the listener (CloudWatch dimension LoadBalancer)."
  value       = local.load_balancer_arn_suffix
}

output "listener_rule_arn" {
  description = "ARN of the listener rule forwarding the MCP and OAuth metadata routes."
  value       = aws_lb_listener_rule.this.arn
}

output "route_paths" {
  description = "Paths the listener rule forwards to the service."
  value       = local.route_paths
}

output "log_group_name" {
  description = "Log group of the server (JSON logs, audit records, EMF metrics)."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the server log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the log group."
  value       = local.kms_key_arn
}

output "hs256_secret_arn" {
  description = "ARN of the HS256 signing secret this module created, or null."
  value       = var.create_hs256_secret ? aws_secretsmanager_secret.hs256[0].arn : null
}

output "metrics_namespace" {
  description = "CloudWatch namespace the server writes its metrics to (for modules/observability)."
  value       = var.metrics_namespace
}

output "category_policies" {
  description = "IAM policy JSON per enabled tool category, rendered for the given buckets and resources. per-user: attach them to the data roles; single-tenant: already attached to the task role."
  value       = local.category_policies
}

output "session_tag_keys" {
  description = "Session tag keys the task role may send (data-role trust policies should require them)."
  value       = local.session_tag_keys
}

output "unrendered_categories" {
  description = "Enabled categories left out of category_policies because an input they need is empty (e.g. athena without athena_output_location or glue_databases)."
  value       = local.unrendered_categories
}

output "data_role_trust_policy" {
  description = "Trust policy JSON for the per-user data roles (policies/trust/data-role-trust.json rendered): only this task role, only with the server's session tags and a source identity."
  value       = jsonencode(local.data_role_trust_document)
}

output "task_role_policy" {
  description = "The task role's assume policy JSON (policies/trust/task-role-assume.json rendered), or null without allow-listed roles."
  value       = length(var.allowed_role_arns) > 0 ? jsonencode(local.task_role_assume_document) : null
}

output "egress_rules" {
  description = "Every egress rule of the service security group (protocol, ports, destination), for review and composition tests."
  value = concat(
    [for r in aws_vpc_security_group_egress_rule.to_endpoints : { ip_protocol = r.ip_protocol, from_port = r.from_port, to_port = r.to_port, destination = r.referenced_security_group_id }],
    [for r in aws_vpc_security_group_egress_rule.to_s3 : { ip_protocol = r.ip_protocol, from_port = r.from_port, to_port = r.to_port, destination = r.prefix_list_id }],
    [for r in aws_vpc_security_group_egress_rule.to_cidr : { ip_protocol = r.ip_protocol, from_port = r.from_port, to_port = r.to_port, destination = coalesce(r.cidr_ipv4, r.cidr_ipv6) }],
    [for r in aws_vpc_security_group_egress_rule.to_internet : { ip_protocol = r.ip_protocol, from_port = r.from_port, to_port = r.to_port, destination = r.cidr_ipv4 }],
  )
}

output "rollback_alarm_names" {
  description = "Alarms that roll a deployment of the service back."
  value       = var.deployment_alarm_names
}

output "listener_arn" {
  description = "Listener the MCP routes are attached to."
  value       = aws_lb_listener_rule.this.listener_arn
}

output "categories_without_policy" {
  description = "Tool categories that call no AWS API and so have no policy, with the reason (policies/index.json)."
  value       = local.categories_without_policy
}
