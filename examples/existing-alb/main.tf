# The MCP service on a customer's existing HTTPS load balancer and listener: one listener rule,
# the service and its alarms. Networking (endpoints) and the WAF are the customer's (a web ACL
# must be named, or its absence accepted with allow_without_waf); the data roles too (attach the
# module's category_policies and data_role_trust_policy outputs to them).

# The rule is only as safe as the listener: refuse to attach to anything but HTTPS with TLS 1.3.
data "aws_lb_listener" "existing" {
  arn = var.listener_arn

  lifecycle {
    # No load balancer without WAF by accident: running without one is an explicit, named risk.
    precondition {
      condition     = var.waf_web_acl_name != null || var.allow_without_waf
      error_message = "Give waf_web_acl_name, the web ACL associated with the load balancer (add modules/waf if there is none), or accept the risk explicitly with allow_without_waf = true."
    }

    postcondition {
      condition     = self.protocol == "HTTPS" && startswith(coalesce(self.ssl_policy, "none"), "ELBSecurityPolicy-TLS13-") && !startswith(coalesce(self.ssl_policy, "none"), "ELBSecurityPolicy-TLS13-1-0") && !startswith(coalesce(self.ssl_policy, "none"), "ELBSecurityPolicy-TLS13-1-1")
      error_message = "The existing listener must be HTTPS with a TLS 1.3 policy whose minimum is TLS 1.2 (ELBSecurityPolicy-TLS13-1-2-* or -1-3-*)."
    }
  }
}

module "mcp" {
  source = "../../modules/mcp-server"

  name                   = var.name
  vpc_id                 = var.vpc_id
  subnet_ids             = var.private_subnet_ids
  listener_arn           = var.listener_arn
  listener_rule_priority = var.listener_rule_priority
  alb_security_group_id  = var.alb_security_group_id
  container_image        = var.container_image

  vpc_endpoint_security_group_ids = var.vpc_endpoint_security_group_ids
  s3_prefix_list_ids              = var.s3_prefix_list_ids
  egress_cidr_blocks              = var.identity_provider_cidr_blocks

  public_url        = var.public_url
  auth_issuer       = var.auth_issuer
  auth_jwks_url     = var.auth_jwks_url
  role_mode         = "per-user"
  allowed_role_arns = var.allowed_role_arns
  buckets           = var.buckets

  deployment_alarm_names = module.observability.deployment_alarm_names
}

module "observability" {
  source = "../../modules/observability"

  name                     = var.name
  metrics_namespace        = module.mcp.metrics_namespace
  load_balancer_arn_suffix = module.mcp.load_balancer_arn_suffix
  target_group_arn_suffix  = module.mcp.target_group_arn_suffix
  waf_web_acl_name         = var.waf_web_acl_name
  alarm_email_addresses    = var.alarm_email_addresses
}
