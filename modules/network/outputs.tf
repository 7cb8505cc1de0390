output "security_group_id" {
  description = "Security group of the interface endpoints (modules/mcp-server vpc_endpoint_security_group_ids)."
  value       = aws_security_group.endpoints.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint (modules/mcp-server s3_prefix_list_ids), or null."
  value       = var.create_s3_gateway_endpoint ? aws_vpc_endpoint.s3[0].prefix_list_id : null
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by service."
  value       = { for s, e in aws_vpc_endpoint.interface : s => e.id }
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint, or null."
  value       = var.create_s3_gateway_endpoint ? aws_vpc_endpoint.s3[0].id : null
}

output "allowed_security_group_ids" {
  description = "Security groups that may reach the interface endpoints."
  value       = [for r in aws_vpc_security_group_ingress_rule.from_security_group : r.referenced_security_group_id]
}

output "network_acl_ids" {
  description = "Network ACLs of the load balancer's subnets and of the task subnets (create_network_acls), or null."
  value       = var.create_network_acls ? { alb = aws_network_acl.alb[0].id, tasks = aws_network_acl.tasks[0].id } : null
}
