data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  # WAF delivers to CloudWatch Logs only into groups whose name starts with aws-waf-logs-.
  log_group_name = "aws-waf-logs-${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  kms_key_arn    = var.kms_key_arn != null ? var.kms_key_arn : module.kms_key[0].arn

  allowed_ipv4 = [for c in var.allowed_ip_cidrs : c if !strcontains(c, ":")]
  allowed_ipv6 = [for c in var.allowed_ip_cidrs : c if strcontains(c, ":")]
  blocked_ipv4 = [for c in var.blocked_ip_cidrs : c if !strcontains(c, ":")]
  blocked_ipv6 = [for c in var.blocked_ip_cidrs : c if strcontains(c, ":")]

  metric_prefix = replace(var.name, "-", "")

  tags = merge(var.tags, { "quilt-mcp:component" = "waf" })
}

# --- IP sets (both families, so one OR statement covers a mixed list) --------------------------

resource "aws_wafv2_ip_set" "allowed_ipv4" {
  count = length(var.allowed_ip_cidrs) > 0 ? 1 : 0

  name               = "${var.name}-allowed-ipv4"
  scope              = "REGIONAL"
  ip_address_version = "IPV4"
  addresses          = local.allowed_ipv4
  tags               = local.tags
}

resource "aws_wafv2_ip_set" "allowed_ipv6" {
  count = length(var.allowed_ip_cidrs) > 0 ? 1 : 0

  name               = "${var.name}-allowed-ipv6"
  scope              = "REGIONAL"
  ip_address_version = "IPV6"
  addresses          = local.allowed_ipv6
  tags               = local.tags
}

resource "aws_wafv2_ip_set" "blocked_ipv4" {
  count = length(var.blocked_ip_cidrs) > 0 ? 1 : 0

  name               = "${var.name}-blocked-ipv4"
  scope              = "REGIONAL"
  ip_address_version = "IPV4"
  addresses          = local.blocked_ipv4
  tags               = local.tags
}

resource "aws_wafv2_ip_set" "blocked_ipv6" {
  count = length(var.blocked_ip_cidrs) > 0 ? 1 : 0

  name               = "${var.name}-blocked-ipv6"
  scope              = "REGIONAL"
  ip_address_version = "IPV6"
  addresses          = local.blocked_ipv6
  tags               = local.tags
}

# --- web ACL ---------------------------------------------------------------------------------

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "quilt-mcp: managed rule sets, body-size rule scoped off the MCP path, per-IP and per-caller rate limits"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = length(var.blocked_ip_cidrs) > 0 ? [1] : []
    content {
      name     = "BlockListedIps"
      priority = 0

      action {
        block {}
      }

      statement {
        or_statement {
          statement {
            ip_set_reference_statement {
              arn = aws_wafv2_ip_set.blocked_ipv4[0].arn
            }
          }
          statement {
            ip_set_reference_statement {
              arn = aws_wafv2_ip_set.blocked_ipv6[0].arn
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.metric_prefix}BlockListedIps"
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = length(var.allowed_ip_cidrs) > 0 ? [1] : []
    content {
      name     = "BlockOutsideAllowList"
      priority = 1

      action {
        block {}
      }

      statement {
        not_statement {
          statement {
            or_statement {
              statement {
                ip_set_reference_statement {
                  arn = aws_wafv2_ip_set.allowed_ipv4[0].arn
                }
              }
              statement {
                ip_set_reference_statement {
                  arn = aws_wafv2_ip_set.allowed_ipv6[0].arn
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.metric_prefix}BlockOutsideAllowList"
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}IpReputation"
      sampled_requests_enabled   = true
    }
  }

  # Anonymising services (Tor, open proxies, VPN services) are blocked; hosting providers are
  # only counted by default, because web MCP clients often call from cloud hosting.
  rule {
    name     = "AWSManagedRulesAnonymousIpList"
    priority = 15

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        dynamic "rule_action_override" {
          for_each = var.anonymous_ip_action == "count" ? ["AnonymousIPList"] : []
          content {
            name = rule_action_override.value

            action_to_use {
              count {}
            }
          }
        }

        dynamic "rule_action_override" {
          for_each = var.hosting_provider_ip_action == "count" ? ["HostingProviderIPList"] : []
          content {
            name = rule_action_override.value

            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}AnonymousIp"
      sampled_requests_enabled   = true
    }
  }

  # Blocking, with nothing excluded: includes the Log4j (Log4JRCE) rules.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}KnownBadInputs"
      sampled_requests_enabled   = true
    }
  }

  # Core rule set with SizeRestrictions_BODY only counted (it blocks bodies over 8 KB, and MCP
  # tool calls are larger); the next rule blocks on its label everywhere but the MCP path.
  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}CommonRuleSet"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "BlockLargeBodiesOutsideMcpPath"
    priority = 31

    action {
      block {}
    }

    statement {
      and_statement {
        statement {
          label_match_statement {
            scope = "LABEL"
            key   = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
          }
        }
        statement {
          not_statement {
            statement {
              or_statement {
                statement {
                  byte_match_statement {
                    search_string         = var.mcp_path
                    positional_constraint = "EXACTLY"

                    field_to_match {
                      uri_path {}
                    }

                    text_transformation {
                      priority = 0
                      type     = "NONE"
                    }
                  }
                }
                statement {
                  byte_match_statement {
                    search_string         = "${var.mcp_path}/"
                    positional_constraint = "STARTS_WITH"

                    field_to_match {
                      uri_path {}
                    }

                    text_transformation {
                      priority = 0
                      type     = "NONE"
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}LargeBodiesOutsideMcpPath"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "RateLimitPerIp"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = var.rate_limit_window_seconds
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}RateLimitPerIp"
      sampled_requests_enabled   = true
    }
  }

  # Per caller across every task: the server's own limiter (QUILT_MCP_RATE_LIMIT_PER_MINUTE) lives in
  # each task's memory, so N tasks would allow N times its limit; WAF counts over the whole ACL.
  # The key is the Authorization header as sent (bearer tokens are case-sensitive: no
  # transformation), so one token is one caller; requests without the header are not counted here
  # (the server refuses them) and stay under the per-IP rule.
  rule {
    name     = "RateLimitPerCaller"
    priority = 41

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.caller_rate_limit
        aggregate_key_type    = "CUSTOM_KEYS"
        evaluation_window_sec = var.rate_limit_window_seconds

        custom_key {
          header {
            name = "authorization"

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}RateLimitPerCaller"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.metric_prefix
    sampled_requests_enabled   = true
  }

  tags = local.tags
}

# --- logging ---------------------------------------------------------------------------------

module "kms_key" {
  source = "../kms-key"
  count  = var.kms_key_arn == null ? 1 : 0

  alias                   = "${var.name}-waf-logs"
  description             = "${var.name}: WAF logs"
  deletion_window_in_days = var.kms_deletion_window_in_days
  log_group               = { arn = local.log_group_arn, sid = "CloudWatchLogsOfTheWafLogGroupOnly" }
  tags                    = local.tags
}

# The key and alias were resources of this module before modules/kms-key: keep them in place.
moved {
  from = aws_kms_key.this[0]
  to   = module.kms_key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.kms_key[0].aws_kms_alias.this
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = local.kms_key_arn
  tags              = local.tags
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  count = var.create_log_resource_policy ? 1 : 0

  policy_name = "${var.name}-waf-log-delivery"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "WafLogDeliveryOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "${local.log_group_arn}:*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:*" }
      }
    }]
  })
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [local.log_group_arn]

  dynamic "redacted_fields" {
    for_each = toset([for h in var.redacted_headers : lower(h)])
    content {
      single_header {
        name = redacted_fields.value
      }
    }
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_cloudwatch_log_resource_policy.this]
}
