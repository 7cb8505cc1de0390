data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
# The ELB account that writes access logs in regions opened before August 2022.
data "aws_elb_service_account" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  logs_bucket     = "${var.name}-logs-${local.account_id}-${local.region}"
  logs_bucket_arn = "arn:${local.partition}:s3:::${local.logs_bucket}"

  tags = merge(var.tags, { "quilt-mcp:component" = "alb" })
}

# --- load balancer ---------------------------------------------------------------------------

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_76:The web ACL comes in through web_acl_arn from modules/waf, whose ACL blocks with AWSManagedRulesKnownBadInputsRuleSet (the Log4j AMR) and AWSManagedRulesAnonymousIpList (modules/waf/tests/rules.tftest.hcl, examples/*/tests assert it), and the module refuses a load balancer without it unless allow_without_waf = true (a documented risk); checkov cannot follow an ACL ARN through a module variable, so a composition (examples/complete) fails the check.
  name               = var.name
  load_balancer_type = "application"
  internal           = var.internal
  ip_address_type    = var.ip_address_type
  security_groups    = [aws_security_group.this.id]
  subnets            = var.subnet_ids
  idle_timeout       = var.idle_timeout

  # Request smuggling and header abuse: drop malformed headers, refuse ambiguous requests.
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = var.deletion_protection
  enable_http2               = true
  # If WAF cannot be reached, requests are refused rather than let through unfiltered.
  enable_waf_fail_open       = false
  preserve_host_header       = false
  xff_header_processing_mode = "append"

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "access"
    enabled = true
  }

  connection_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "connection"
    enabled = true
  }

  tags = local.tags

  depends_on = [aws_s3_bucket_policy.logs]

  lifecycle {
    # No load balancer without WAF by accident: skipping the association is an explicit, named risk.
    precondition {
      condition     = var.associate_web_acl || var.allow_without_waf
      error_message = "associate_web_acl = false leaves the load balancer without a web ACL: associate the modules/waf web ACL, or accept the risk explicitly with allow_without_waf = true (e.g. a web ACL associated by AWS Firewall Manager)."
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # Only listener rules (modules/mcp-server) route anywhere; everything else is a plain 404.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }

  tags = local.tags
}

resource "aws_lb_listener_certificate" "additional" {
  for_each = toset(var.additional_certificate_arns)

  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = each.value
}

resource "aws_lb_listener" "http_redirect" {
  count = var.http_redirect ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = local.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.associate_web_acl ? 1 : 0

  resource_arn = aws_lb.this.arn
  web_acl_arn  = var.web_acl_arn

  lifecycle {
    precondition {
      condition     = var.web_acl_arn != null
      error_message = "associate_web_acl is true but web_acl_arn is null: give the modules/waf web ACL, or set associate_web_acl = false as a conscious exception."
    }
  }
}

# --- security group --------------------------------------------------------------------------

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-alb-"
  description = "quilt-mcp load balancer: HTTPS from the listed sources; egress to the tasks is added by modules/mcp-server"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = length(var.ingress_cidr_blocks) + length(var.ingress_ipv6_cidr_blocks) + length(var.ingress_prefix_list_ids) > 0
      error_message = "Give at least one ingress source (ingress_cidr_blocks, ingress_ipv6_cidr_blocks or ingress_prefix_list_ids); [\"0.0.0.0/0\"] for a public endpoint."
    }
  }
}

locals {
  listener_ports = var.http_redirect ? [443, 80] : [443]
  ingress_sources = merge(
    { for c in var.ingress_cidr_blocks : "ipv4 ${c}" => { cidr_ipv4 = c, cidr_ipv6 = null, prefix_list_id = null } },
    { for c in var.ingress_ipv6_cidr_blocks : "ipv6 ${c}" => { cidr_ipv4 = null, cidr_ipv6 = c, prefix_list_id = null } },
    { for p in var.ingress_prefix_list_ids : "pl ${p}" => { cidr_ipv4 = null, cidr_ipv6 = null, prefix_list_id = p } },
  )
  ingress_rules = merge([
    for port in local.listener_ports : { for k, v in local.ingress_sources : "${port} ${k}" => merge(v, { port = port }) }
  ]...)
}

resource "aws_vpc_security_group_ingress_rule" "listener" {
  for_each = local.ingress_rules

  security_group_id = aws_security_group.this.id
  description       = each.value.port == 443 ? "HTTPS to the MCP endpoint" : "HTTP, redirected to HTTPS only"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
  prefix_list_id    = each.value.prefix_list_id
  tags              = local.tags
}

# --- access log bucket -----------------------------------------------------------------------

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_145:ALB access logs can only be written to buckets encrypted with SSE-S3 (AES256); SSE-KMS is not supported for this destination.
  #checkov:skip=CKV_AWS_144:Cross-region replication of access logs is an organisation-wide choice (a replica bucket and role in another region); not made by this module.
  #checkov:skip=CKV_AWS_18:This is the log bucket; logging its own access would need another bucket of the same kind.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the access log bucket; notifications would only add a destination to secure.
  bucket        = local.logs_bucket
  force_destroy = var.access_logs_bucket_force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_logs_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.logs_bucket_arn, "${local.logs_bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.logs_bucket_arn, "${local.logs_bucket_arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
      {
        Sid       = "ElbLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${local.logs_bucket_arn}/*/AWSLogs/${local.account_id}/*"
      },
      {
        Sid       = "ElbLogDeliveryLegacyRegions"
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.current.arn }
        Action    = "s3:PutObject"
        Resource  = "${local.logs_bucket_arn}/*/AWSLogs/${local.account_id}/*"
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
