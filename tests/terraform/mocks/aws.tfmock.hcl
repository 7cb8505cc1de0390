# The one set of AWS provider mocks of every Terraform test: the modules' and examples'
# `mock_provider "aws" { source = "../../tests/terraform/mocks" }` and the parity tests' plan of
# the composition (tests/parity/terraform.ts). Realistic values for what a mocked provider would
# otherwise fill with random strings: the modules validate the ARNs and IDs they receive from each
# other. A test that needs another value overrides it (`override_resource`, `override_data`).

# --- data sources ----------------------------------------------------------------------------

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/test"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    id   = "us-east-1"
    name = "us-east-1"
  }
}

mock_data "aws_elb_service_account" {
  defaults = {
    arn = "arn:aws:iam::127311923021:root"
  }
}

mock_data "aws_lb_listener" {
  defaults = {
    protocol   = "HTTPS"
    port       = 443
    ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
  }
}

# --- resources -------------------------------------------------------------------------------

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:quilt-mcp-hs256-AbCdEf"
    id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:quilt-mcp-hs256-AbCdEf"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/quilt-mcp-mock"
  }
}

mock_resource "aws_ecs_cluster" {
  defaults = {
    arn = "arn:aws:ecs:us-east-1:123456789012:cluster/quilt-mcp"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/quilt-mcp/0123456789abcdef"
    arn_suffix = "targetgroup/quilt-mcp/0123456789abcdef"
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id = "sg-0aaaaaaaaaaaaaaa1"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/quilt-mcp"
  }
}

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/quilt-mcp/0123456789abcdef"
    arn_suffix = "app/quilt-mcp/0123456789abcdef"
  }
}

mock_resource "aws_lb_listener" {
  defaults = {
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/quilt-mcp/0123456789abcdef/fedcba9876543210"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    id  = "quilt-mcp-logs-123456789012-us-east-1"
    arn = "arn:aws:s3:::quilt-mcp-logs-123456789012-us-east-1"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/quilt-mcp/11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_wafv2_ip_set" {
  defaults = {
    arn = "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/quilt-mcp/11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:quilt-mcp-alarms"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    prefix_list_id = "pl-63a5400a"
  }
}
