# A complete deployment in an existing VPC: VPC endpoints (no internet egress for the tasks but
# the identity provider), an internet-facing HTTPS load balancer behind WAF, the MCP service in
# per-user mode with one sample data role, alarms that roll deployments back, and an audit trail.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Data roles the server may assume for web principals: every role named <name>-data-*.
  role_arn_prefix   = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role"
  data_role_pattern = "${local.role_arn_prefix}/${var.name}-data-*"
  # Built, not read from the role, which itself depends on the task role through its trust.
  sample_role_arn = "${local.role_arn_prefix}/${var.name}-data-analyst"
  mcp_path        = regex("^https://[^/]+(/.*)$", var.public_url)[0]
}

module "network" {
  source = "../../modules/network"

  name                       = var.name
  vpc_id                     = var.vpc_id
  subnet_ids                 = var.private_subnet_ids
  route_table_ids            = var.private_route_table_ids
  allowed_security_group_ids = [module.mcp.security_group_id]
}

module "waf" {
  source = "../../modules/waf"

  name     = var.name
  mcp_path = local.mcp_path
}

module "alb" {
  source = "../../modules/alb"

  name                = var.name
  internal            = false
  vpc_id              = var.vpc_id
  subnet_ids          = var.public_subnet_ids
  certificate_arn     = var.certificate_arn
  ingress_cidr_blocks = var.ingress_cidr_blocks
  web_acl_arn         = module.waf.web_acl_arn
  deletion_protection = var.deletion_protection
}

module "mcp" {
  source = "../../modules/mcp-server"

  name                  = var.name
  vpc_id                = var.vpc_id
  subnet_ids            = var.private_subnet_ids
  listener_arn          = module.alb.https_listener_arn
  alb_security_group_id = module.alb.security_group_id
  container_image       = var.container_image

  vpc_endpoint_security_group_ids = [module.network.security_group_id]
  s3_prefix_list_ids              = [module.network.s3_prefix_list_id]
  egress_cidr_blocks              = var.identity_provider_cidr_blocks

  public_url        = var.public_url
  auth_issuer       = var.auth_issuer
  auth_jwks_url     = var.auth_jwks_url
  allowed_origins   = var.allowed_origins
  role_mode         = "per-user"
  allowed_role_arns = [local.data_role_pattern]
  default_role_arn  = local.sample_role_arn
  tool_categories   = var.tool_categories
  buckets           = var.buckets

  deployment_alarm_names = module.observability.deployment_alarm_names
}

module "observability" {
  source = "../../modules/observability"

  name                     = var.name
  metrics_namespace        = module.mcp.metrics_namespace
  load_balancer_arn_suffix = module.alb.arn_suffix
  target_group_arn_suffix  = module.mcp.target_group_arn_suffix
  waf_web_acl_name         = module.waf.web_acl_name
  alarm_email_addresses    = var.alarm_email_addresses
}

# The audit trail: CloudTrail's record of every AWS call the per-user sessions make, object reads
# and writes on the data buckets included (runbooks/audit-trail.md joins it to the server's log).
module "audit" {
  source = "../../modules/audit"
  count  = var.create_audit_trail ? 1 : 0

  name              = var.name
  data_bucket_names = var.buckets
}

# One sample per-user data role: it trusts only the task role (policies/trust/data-role-trust.json,
# rendered by the module) and holds the enabled categories' policies for the given buckets.
resource "aws_iam_role" "data_analyst" {
  name               = "${var.name}-data-analyst"
  description        = "Sample quilt-mcp data role: what a web principal may do with its own session"
  assume_role_policy = module.mcp.data_role_trust_policy
  # Role chaining from the task role caps sessions at one hour anyway.
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "data_analyst" {
  for_each = module.mcp.category_policies

  name   = each.key
  role   = aws_iam_role.data_analyst.id
  policy = each.value
}
