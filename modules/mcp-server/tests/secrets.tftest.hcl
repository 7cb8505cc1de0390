# The HS256 signing secret the module can create: its own CMK, injected only by reference,
# readable only by the execution role.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "created_secret_injected_by_reference" {
  variables {
    auth_jwks_url       = null
    create_hs256_secret = true
  }

  assert {
    condition     = aws_secretsmanager_secret.hs256[0].kms_key_id == module.secrets_key[0].arn && module.secrets_key[0].rotation_enabled == true
    error_message = "The secret must be encrypted with its own rotating CMK."
  }
  assert {
    condition     = data.aws_secretsmanager_random_password.hs256[0].password_length == 64
    error_message = "The signing key must be 64 characters (HS256 needs at least 32 bytes)."
  }
  assert {
    condition     = { for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.name => s.valueFrom } == { QUILT_MCP_AUTH_HS256_SECRET = aws_secretsmanager_secret.hs256[0].arn }
    error_message = "The created secret must be injected through ECS secrets."
  }
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name], "QUILT_MCP_AUTH_HS256_SECRET")
    error_message = "The secret must never be in the plain environment."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadContainerSecrets"]) == [aws_secretsmanager_secret.hs256[0].arn]
    error_message = "The execution role must read exactly the created secret."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "DecryptContainerSecrets"]) == [module.secrets_key[0].arn]
    error_message = "The execution role must decrypt with exactly the secret's key."
  }
  assert {
    condition     = length(aws_secretsmanager_secret_rotation.hs256) == 0 && output.hs256_secret_arn == aws_secretsmanager_secret.hs256[0].arn
    error_message = "Without a rotation Lambda no rotation is configured; the ARN is exported."
  }
}

run "rotation_lambda_wired_when_given" {
  command = plan

  variables {
    auth_jwks_url                    = null
    create_hs256_secret              = true
    hs256_secret_rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate-hs256"
    hs256_secret_rotation_days       = 30
  }

  assert {
    condition     = aws_secretsmanager_secret_rotation.hs256[0].rotation_lambda_arn == var.hs256_secret_rotation_lambda_arn && one(aws_secretsmanager_secret_rotation.hs256[0].rotation_rules).automatically_after_days == 30
    error_message = "The rotation Lambda and schedule must be configured."
  }
}

run "no_secret_resources_by_default" {
  command = plan

  assert {
    condition     = length(aws_secretsmanager_secret.hs256) == 0 && length(module.secrets_key) == 0 && output.hs256_secret_arn == null
    error_message = "With JWKS verification no secret is created."
  }
}
