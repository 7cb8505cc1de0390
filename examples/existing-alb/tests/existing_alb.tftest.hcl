# The existing-ALB example plans under mocks, attaches only to an HTTPS listener with a TLS 1.3
# policy, and wires the alarms to the listener's load balancer and the service's rollback.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  vpc_id                          = "vpc-0123456789abcdef0"
  private_subnet_ids              = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
  listener_arn                    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/corp-alb/0123456789abcdef/fedcba9876543210"
  alb_security_group_id           = "sg-0123456789abcdef0"
  vpc_endpoint_security_group_ids = ["sg-0bbbbbbbbbbbbbbb2"]
  s3_prefix_list_ids              = ["pl-63a5400a"]
  identity_provider_cidr_blocks   = ["203.0.113.0/24"]
  public_url                      = "https://data.example.com/mcp"
  container_image                 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp:1.0.0"
  auth_issuer                     = "https://issuer.example.com/"
  auth_jwks_url                   = "https://issuer.example.com/.well-known/jwks.json"
  allowed_role_arns               = ["arn:aws:iam::123456789012:role/analytics-reader"]
  buckets                         = ["corp-data"]
  waf_web_acl_name                = "corp-web-acl"
}

run "plans" {
  command = plan

  assert {
    condition     = output.mcp_url == "https://data.example.com/mcp"
    error_message = "The example must plan."
  }
}

run "wired_to_the_existing_listener" {
  assert {
    condition     = module.mcp.listener_arn == var.listener_arn
    error_message = "The MCP rule must be added to the given listener."
  }
  assert {
    condition     = module.mcp.load_balancer_arn_suffix == "app/corp-alb/0123456789abcdef"
    error_message = "The alarms must watch the listener's own load balancer."
  }
  assert {
    condition     = jsonencode(module.mcp.rollback_alarm_names) == jsonencode(module.observability.deployment_alarm_names)
    error_message = "The observability alarms must roll deployments back."
  }
  assert {
    condition     = toset([for r in module.mcp.egress_rules : r.destination]) == toset(["sg-0bbbbbbbbbbbbbbb2", "pl-63a5400a", "203.0.113.0/24"]) && alltrue([for r in module.mcp.egress_rules : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443])
    error_message = "Egress must be HTTPS to the customer's endpoints, S3 and the identity provider only."
  }
  assert {
    condition     = keys(module.mcp.category_policies) == ["governance", "packages-read", "s3-read", "search"]
    error_message = "The default categories' policies must be exported for the customer's data roles."
  }
}

run "refuses_a_plain_http_listener" {
  command = plan

  override_data {
    target = data.aws_lb_listener.existing
    values = { protocol = "HTTP", port = 80, ssl_policy = null }
  }

  expect_failures = [data.aws_lb_listener.existing]
}

run "refuses_a_listener_allowing_tls_1_0" {
  command = plan

  override_data {
    target = data.aws_lb_listener.existing
    values = { ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06" }
  }

  expect_failures = [data.aws_lb_listener.existing]
}

run "refuses_open_egress" {
  command = plan

  variables {
    identity_provider_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.identity_provider_cidr_blocks]
}

run "refuses_a_load_balancer_without_waf" {
  command = plan

  variables {
    waf_web_acl_name = null
  }

  expect_failures = [data.aws_lb_listener.existing]
}

run "no_waf_is_a_conscious_exception" {
  command = plan

  variables {
    waf_web_acl_name  = null
    allow_without_waf = true
  }

  assert {
    condition     = !contains(keys(module.observability.alarm_arns), "waf-blocked-spike")
    error_message = "Without a web ACL there is no WAF alarm to raise."
  }
}
