# Realistic values for what a mocked AWS provider would otherwise fill with random strings:
# ARNs are parsed (split, regex) by the module, so they must look like ARNs.
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
