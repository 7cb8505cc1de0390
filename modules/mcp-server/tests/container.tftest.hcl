# The container's hardening, asserted on the rendered task definition (checkov reads
# `privilege` instead of ECS's `privileged`, and has no check for secrets in `environment`).
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "hardened_defaults" {
  command = plan

  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.this.container_definitions)) == 1
    error_message = "The task must run exactly one container."
  }
  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.readonlyRootFilesystem == true])
    error_message = "Every container must have a read-only root filesystem."
  }
  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.privileged == false])
    error_message = "No container may be privileged (checkov's CKV_AWS_334 reads the wrong key)."
  }
  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.user == "65532:65532"])
    error_message = "The container must run as the non-root user 65532:65532 by default."
  }
  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.linuxParameters.capabilities.drop == ["ALL"] && length(c.linuxParameters.capabilities.add) == 0])
    error_message = "Every Linux capability must be dropped and none added."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].linuxParameters.initProcessEnabled == true
    error_message = "An init process must reap children and forward signals."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD", "/quilt-mcp", "healthcheck"]
    error_message = "The health check must run the binary's own healthcheck subcommand (no shell in the image)."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings == [{ containerPort = 8080, protocol = "tcp" }]
    error_message = "The container must expose only port 8080/tcp."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout > var.drain_timeout_seconds
    error_message = "ECS must give the server longer than its drain timeout."
  }
  assert {
    condition     = aws_ecs_task_definition.this.network_mode == "awsvpc" && aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"])
    error_message = "The task must run on Fargate in awsvpc mode."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/quilt-mcp"
    error_message = "The container must log to the module's encrypted log group."
  }
  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].mountPoints) == 0 && length(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].volumesFrom) == 0
    error_message = "The container must not mount writable volumes."
  }
}

run "server_environment" {
  command = plan

  assert {
    condition     = output.container_environment["QUILT_MCP_TRANSPORT"] == "http" && output.container_environment["QUILT_MCP_HOST"] == "0.0.0.0" && output.container_environment["QUILT_MCP_PORT"] == "8080"
    error_message = "The server must serve HTTP on 0.0.0.0:8080 in the container."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_USE_QUILT3_LOGIN"] == "false"
    error_message = "A deployed server must never use a quilt3 login."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_ROLE_MODE"] == "per-user" && output.container_environment["QUILT_MCP_ALLOWED_ROLE_ARNS"] == "arn:aws:iam::123456789012:role/quilt-mcp-data-*"
    error_message = "Per-user mode and the role allow-list must reach the server."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_TOOL_CATEGORIES"] == "s3-read,packages-read,search,governance,catalog"
    error_message = "The default tool categories must be the read-only ones."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_AUTH_ALGORITHMS"] == "RS256,ES256" && output.container_environment["QUILT_MCP_AUTH_JWKS_URL"] == var.auth_jwks_url
    error_message = "JWKS verification settings must reach the server."
  }
  assert {
    condition     = output.container_environment["AWS_REGION"] == "us-east-1"
    error_message = "AWS_REGION must default to the provider's region."
  }
  assert {
    # Unset optional settings stay unset so the server applies its own defaults.
    condition     = !contains(keys(output.container_environment), "QUILT_MCP_AUTH_AUDIENCE") && !contains(keys(output.container_environment), "QUILT_MCP_BUCKETS")
    error_message = "Unset settings must not be written as empty values."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value } == output.container_environment
    error_message = "The task definition's environment must be exactly the module's container environment."
  }
  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets) == 0
    error_message = "Without an HS256 secret there is nothing to inject."
  }
}

run "secrets_only_by_reference" {
  command = plan

  variables {
    auth_hs256_secret_value_from          = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:key::"
    auth_hs256_secret_previous_value_from = "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/hs256-previous"
    extra_secrets                         = { QUILT_CATALOG_CREDENTIAL = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-XyZ123" }
    extra_environment                     = { NODE_EXTRA_CA_CERTS_DIR = "/etc/ssl/certs", FEATURE_FLAGS = "a,b" }
  }

  assert {
    condition = { for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.name => s.valueFrom } == {
      QUILT_MCP_AUTH_HS256_SECRET          = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:key::"
      QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS = "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/hs256-previous"
      QUILT_CATALOG_CREDENTIAL             = "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-XyZ123"
    }
    error_message = "Secrets must reach the container only as valueFrom references."
  }
  assert {
    condition = length(setintersection(
      [for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name],
      ["QUILT_MCP_AUTH_HS256_SECRET", "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS", "QUILT_CATALOG_CREDENTIAL"],
    )) == 0
    error_message = "No secret may appear in the plain environment."
  }
  assert {
    condition     = alltrue([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : !strcontains(e.value, "arn:aws:secretsmanager") || e.name == "QUILT_MCP_AUTH_HS256_SECRET_ARN"])
    error_message = "No secret reference may be passed as a plain value."
  }
  assert {
    condition     = output.container_environment["FEATURE_FLAGS"] == "a,b" && output.container_environment["NODE_EXTRA_CA_CERTS_DIR"] == "/etc/ssl/certs"
    error_message = "Harmless extra environment variables must pass through."
  }
  assert {
    condition     = output.container_secret_names == tolist(["QUILT_CATALOG_CREDENTIAL", "QUILT_MCP_AUTH_HS256_SECRET", "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS"])
    error_message = "The secret names output must list exactly the injected secrets."
  }
}

run "custom_user_and_healthcheck_binary" {
  command = plan

  variables {
    container_user     = "10001:10001"
    healthcheck_binary = "/usr/local/bin/quilt-mcp"
    port               = 9000
    cpu_architecture   = "ARM64"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "10001:10001"
    error_message = "container_user must reach the task definition."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD", "/usr/local/bin/quilt-mcp", "healthcheck"]
    error_message = "healthcheck_binary must reach the health check command."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 9000 && output.container_environment["QUILT_MCP_PORT"] == "9000" && aws_lb_target_group.this.port == 9000
    error_message = "The port setting must move the container port, the server and the target group together."
  }
  assert {
    condition     = one(aws_ecs_task_definition.this.runtime_platform).cpu_architecture == "ARM64"
    error_message = "cpu_architecture must reach the runtime platform."
  }
}
