# IAM: ECS trust with confused-deputy conditions, an execution role that reads exactly the
# container secrets (ARN suffixes stripped) and decrypts with exactly their keys, and a task role
# that in per-user mode can only assume the allow-listed data roles.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "ecs_trust_is_scoped_to_this_account" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.task.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "EcsTasksInThisAccount"
        Effect    = "Allow"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "123456789012" }
          ArnLike      = { "aws:SourceArn" = "arn:aws:ecs:us-east-1:123456789012:*" }
        }
      }]
    }
    error_message = "The task role must trust only ECS tasks of this account and region."
  }
  assert {
    condition     = aws_iam_role.execution.assume_role_policy == aws_iam_role.task.assume_role_policy
    error_message = "The execution role must carry the same scoped trust."
  }
  assert {
    condition     = aws_iam_role.execution.name != aws_iam_role.task.name
    error_message = "Task and execution roles must be different roles."
  }
}

run "execution_role_minimal_without_secrets" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.execution.policy).Statement == [
      { Sid = "EcrLogin", Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      {
        Sid      = "PullTheServiceImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = "arn:aws:ecr:us-east-1:123456789012:repository/quilt-mcp"
      },
      {
        Sid      = "WriteServiceLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/quilt-mcp:log-stream:*"
      },
    ]
    error_message = "The execution role must pull only the service image and write only its log group."
  }
}

run "execution_role_without_ecr_for_other_registries" {
  command = plan

  variables {
    container_image = "ghcr.io/example/quilt-mcp:1.0.0"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Sid] == ["WriteServiceLogs"]
    error_message = "An image outside ECR needs no ECR permission."
  }
}

run "execution_role_reads_exactly_the_secrets" {
  command = plan

  variables {
    auth_hs256_secret_value_from          = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:signing_key:AWSCURRENT:"
    auth_hs256_secret_previous_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:signing_key:AWSPREVIOUS:"
    extra_secrets = {
      CATALOG_CREDENTIAL = "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/catalog"
      OTHER_CREDENTIAL   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123"
    }
    secrets_kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]
  }

  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadContainerSecrets"])) == toset(["arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf", "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123"])
    error_message = "GetSecretValue must target exactly the secret ARNs, stripped of :json-key:stage:version."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Action if s.Sid == "ReadContainerSecrets"]) == "secretsmanager:GetSecretValue"
    error_message = "The execution role may only read secret values."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadContainerParameters"]) == ["arn:aws:ssm:us-east-1:123456789012:parameter/mcp/catalog"]
    error_message = "ssm:GetParameters must target exactly the parameter ARNs."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if s.Sid == "DecryptContainerSecrets"]) == {
      Sid      = "DecryptContainerSecrets"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = ["arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]
      Condition = {
        StringEquals = { "kms:ViaService" = ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"] }
      }
    }
    error_message = "kms:Decrypt must target exactly the secrets' keys, through Secrets Manager or SSM only."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource != "*" || s.Action == "ecr:GetAuthorizationToken"])
    error_message = "Only ecr:GetAuthorizationToken (no resource-level permissions) may use Resource *."
  }
}

run "per_user_task_role_only_assumes_allow_listed_roles" {

  variables {
    allowed_role_arns  = ["arn:aws:iam::123456789012:role/quilt-mcp-data-*", "arn:aws:iam::210987654321:role/analyst"]
    session_tag_claims = ["Department=dept"]
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.assume[0].policy).Statement == [
      {
        Sid      = "AssumeAllowListedDataRoles"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        Resource = ["arn:aws:iam::123456789012:role/quilt-mcp-data-*", "arn:aws:iam::210987654321:role/analyst"]
      },
    ]
    error_message = "In per-user mode the task role may only assume, tag and set the source identity on the allow-listed roles."
  }
  assert {
    condition     = length(aws_iam_role_policy.category) == 0 && length(aws_iam_role_policy.signing_secret) == 0
    error_message = "In per-user mode no category policy (and without a signing secret ARN nothing else) may be attached to the task role."
  }
  assert {
    condition     = output.session_tag_keys == tolist(["QuiltMcpSubject", "QuiltMcpClient", "Department"])
    error_message = "The session tag keys must be exported for the data roles' trust policies."
  }
  assert {
    condition     = contains(jsondecode(output.data_role_trust_policy).Statement[0].Condition["ForAllValues:StringEquals"]["aws:TagKeys"], "Department")
    error_message = "The exported data-role trust must accept the configured session tag keys."
  }
}

run "task_role_reads_its_own_signing_secret" {
  command = plan

  variables {
    auth_jwks_url                 = null
    auth_hs256_secret_arn         = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf"
    auth_hs256_secret_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.signing_secret[0].policy).Statement == [
      {
        Sid      = "ReadTokenSigningSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf"]
      },
      {
        Sid       = "DecryptTokenSigningSecret"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.us-east-1.amazonaws.com" } }
      },
    ]
    error_message = "The task role may read exactly its signing secret and decrypt with exactly its key."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_AUTH_HS256_SECRET_ARN"] == var.auth_hs256_secret_arn
    error_message = "The server must learn the secret's ARN (not its value) from the environment."
  }
}

run "permissions_boundary_on_both_roles" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/org/boundary"
  }

  assert {
    condition     = aws_iam_role.task.permissions_boundary == var.permissions_boundary_arn && aws_iam_role.execution.permissions_boundary == var.permissions_boundary_arn
    error_message = "The permissions boundary must apply to both roles."
  }
}

run "per_user_leaves_out_categories_missing_inputs" {
  command = plan

  variables {
    tool_categories = ["s3-read", "athena", "catalog"]
    buckets         = ["quilt-example"]
  }

  assert {
    condition     = jsonencode(output.unrendered_categories) == jsonencode(["athena"]) && jsonencode(keys(output.category_policies)) == jsonencode(["s3-read"])
    error_message = "athena without a results location and Glue databases must be reported, not rendered half-empty; catalog has no policy."
  }
}
