output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer (point the public host's alias record here)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 hosted zone of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer (modules/mcp-server alb_security_group_id)."
  value       = aws_security_group.this.id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener (modules/mcp-server listener_arn)."
  value       = aws_lb_listener.https.arn
}

output "http_listener_arn" {
  description = "ARN of the HTTP-to-HTTPS redirect listener, or null."
  value       = var.http_redirect ? aws_lb_listener.http_redirect[0].arn : null
}

output "access_logs_bucket" {
  description = "Bucket receiving the access and connection logs."
  value       = aws_s3_bucket.logs.id
}

output "web_acl_arn" {
  description = "Web ACL associated with the load balancer, or null."
  value       = var.associate_web_acl ? aws_wafv2_web_acl_association.this[0].web_acl_arn : null
}
