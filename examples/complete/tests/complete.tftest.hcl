# The complete example plans under mocks, and its modules are wired as a security review expects:
# the service behind the WAF-protected HTTPS listener, HTTPS-only egress to the VPC endpoints and
# S3, alarms that roll deployments back, and a data role that trusts only the task role.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

# Distinct IDs, so the wiring asserts below cannot pass by coincidence of mock values.
override_resource {
  target = module.network.aws_security_group.endpoints
  values = { id = "sg-0eeeeeeeeeeeeeee5" }
}

override_resource {
  target = module.mcp.aws_security_group.service
  values = { id = "sg-0fffffffffffffff6" }
}

override_resource {
  target = module.alb.aws_security_group.this
  values = { id = "sg-0ccccccccccccccc3" }
}

override_resource {
  target = module.mcp.aws_iam_role.task
  values = { arn = "arn:aws:iam::123456789012:role/quilt-mcp-task" }
}

override_resource {
  target = aws_iam_role.data_analyst
  values = { arn = "arn:aws:iam::123456789012:role/quilt-mcp-data-analyst" }
}

variables {
  vpc_id                  = "vpc-0123456789abcdef0"
  public_subnet_ids       = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  private_subnet_ids      = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]
  private_route_table_ids = ["rtb-0123456789abcdef0"]
  certificate_arn         = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  public_url              = "https://mcp.example.com/mcp"
  container_image         = "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  auth_issuer             = "https://issuer.example.com/"
  auth_jwks_url           = "https://issuer.example.com/.well-known/jwks.json"
  buckets                 = ["acme-genomics-raw", "acme-genomics-curated"]
}

run "plans" {
  command = plan

  assert {
    condition     = output.mcp_url == "https://mcp.example.com/mcp"
    error_message = "The example must plan."
  }
  assert {
    condition     = toset(keys(aws_iam_role_policy.data_analyst)) == toset(["s3-read", "packages-read", "search", "governance"])
    error_message = "The sample data role must hold exactly the enabled categories that have a policy."
  }
}

run "wired_securely" {
  assert {
    condition     = module.alb.web_acl_arn == module.waf.web_acl_arn
    error_message = "The load balancer must be protected by the example's web ACL."
  }
  assert {
    condition     = contains(module.waf.managed_rule_groups, "AWSManagedRulesKnownBadInputsRuleSet") && contains(module.waf.managed_rule_groups, "AWSManagedRulesAnonymousIpList") && contains(module.waf.managed_rule_groups, "AWSManagedRulesCommonRuleSet")
    error_message = "The attached ACL must carry the Log4j AMR (Known Bad Inputs), Anonymous IP and Core rule sets (covers the CKV2_AWS_76 skip)."
  }
  assert {
    condition     = module.network.security_group_id == "sg-0eeeeeeeeeeeeeee5" && module.mcp.security_group_id == "sg-0fffffffffffffff6"
    error_message = "The overrides must apply (else the wiring asserts prove nothing)."
  }
  assert {
    condition     = module.mcp.listener_arn == module.alb.https_listener_arn
    error_message = "The MCP routes must sit on the HTTPS listener."
  }
  assert {
    condition     = alltrue([for r in module.mcp.egress_rules : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443 && r.destination != "0.0.0.0/0" && r.destination != "::/0"])
    error_message = "The service may only reach HTTPS destinations, never the internet."
  }
  assert {
    condition     = toset([for r in module.mcp.egress_rules : r.destination]) == toset([module.network.security_group_id, module.network.s3_prefix_list_id])
    error_message = "Egress must go exactly to the VPC endpoints and the S3 gateway."
  }
  assert {
    condition     = jsonencode(module.network.allowed_security_group_ids) == jsonencode([module.mcp.security_group_id])
    error_message = "Only the service may reach the VPC endpoints."
  }
  assert {
    condition     = jsonencode(module.mcp.rollback_alarm_names) == jsonencode(module.observability.deployment_alarm_names) && length(module.mcp.rollback_alarm_names) == 3
    error_message = "The observability alarms must roll the service's deployments back."
  }
  assert {
    condition     = jsondecode(aws_iam_role.data_analyst.assume_role_policy).Statement[0].Principal.AWS == module.mcp.task_role_arn
    error_message = "The data role must trust the task role only."
  }
  assert {
    condition     = aws_iam_role.data_analyst.assume_role_policy == module.mcp.data_role_trust_policy
    error_message = "The data role's trust must be policies/trust/data-role-trust.json as rendered by the module."
  }
  assert {
    condition     = alltrue([for c, p in aws_iam_role_policy.data_analyst : p.policy == module.mcp.category_policies[c]])
    error_message = "The data role's policies must be the module's rendered category policies."
  }
  assert {
    condition     = jsonencode(jsondecode(module.mcp.task_role_policy).Statement[0].Resource) == jsonencode(["arn:aws:iam::123456789012:role/quilt-mcp-data-*"])
    error_message = "The task role may assume only the example's data roles."
  }
  assert {
    condition     = module.mcp.container_environment["QUILT_MCP_DEFAULT_ROLE_ARN"] == "arn:aws:iam::123456789012:role/quilt-mcp-data-analyst"
    error_message = "Principals without a role claim must get the sample data role."
  }
  assert {
    condition     = module.observability.metrics_namespace == module.mcp.metrics_namespace
    error_message = "The alarms must read the namespace the server writes."
  }
}

run "audit_trail_records_the_data_buckets" {
  command = plan

  assert {
    condition     = output.audit_trail_log_group_name == "/aws/cloudtrail/quilt-mcp-audit"
    error_message = "The example must create the audit trail by default, delivering to its log group."
  }
  assert {
    condition = jsonencode(one([
      for s in module.audit[0].advanced_event_selectors : [for f in s.field_selector : f.starts_with if f.field == "resources.ARN"]
      if length(s.field_selector) > 1
    ])) == jsonencode([["arn:aws:s3:::acme-genomics-raw/", "arn:aws:s3:::acme-genomics-curated/"]])
    error_message = "The trail must record S3 data events on exactly the server's buckets."
  }
}

run "audit_trail_optional" {
  command = plan

  variables {
    create_audit_trail = false
  }

  assert {
    condition     = length(module.audit) == 0 && output.audit_trail_log_group_name == null
    error_message = "create_audit_trail = false must create no trail."
  }
}

run "refuses_open_egress" {
  command = plan

  variables {
    identity_provider_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.identity_provider_cidr_blocks]
}
