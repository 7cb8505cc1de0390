# Opt-in TLS from the load balancer to the task (issue 17): off by default (HTTP target group; no
# checkov skip, see main.tf); with a certificate and key from Secrets Manager the target group and
# its health check use HTTPS and ECS injects both as secrets, never as plain environment.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "http_by_default" {
  command = plan

  assert {
    condition     = aws_lb_target_group.this.protocol == "HTTP" && aws_lb_target_group.this.health_check[0].protocol == "HTTP"
    error_message = "without a certificate the target group speaks HTTP"
  }
}

run "https_to_the_task" {
  command = plan

  variables {
    tls_certificate_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-tls-cert-AbCdEf"
    tls_private_key_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-tls-key-AbCdEf"
  }

  assert {
    condition     = aws_lb_target_group.this.protocol == "HTTPS" && aws_lb_target_group.this.health_check[0].protocol == "HTTPS"
    error_message = "with a certificate and key the target group and its health check use HTTPS"
  }

  assert {
    condition = toset([
      for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.name
    ]) == toset(["QUILT_MCP_TLS_CERTIFICATE", "QUILT_MCP_TLS_PRIVATE_KEY"])
    error_message = "certificate and key reach the container only as ECS secrets"
  }

  assert {
    condition = length([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e
      if startswith(e.name, "QUILT_MCP_TLS_")
    ]) == 0
    error_message = "no TLS material in the plain environment"
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.execution.policy, "secret:mcp-tls-cert-AbCdEf") && strcontains(aws_iam_role_policy.execution.policy, "secret:mcp-tls-key-AbCdEf")
    error_message = "the execution role may read the TLS secrets"
  }
}
