# Realistic values for what a mocked AWS provider would otherwise fill with random strings.
mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
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

mock_resource "aws_security_group" {
  defaults = {
    id = "sg-0cccccccccccccc03"
  }
}
