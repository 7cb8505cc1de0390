# Task and execution roles. Every policy is written with jsonencode so scanners read it (checkov
# cannot evaluate file() or jsondecode()); tests/iam.tftest.hcl asserts the exact statements.

locals {
  # Only ECS tasks of this account and region may assume the roles (confused-deputy guard):
  # policies/trust/ecs-tasks-trust.json, rendered in category_policies.tf.
  ecs_tasks_trust = jsonencode(local.ecs_tasks_trust_document)

  # <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
  ecr_image = try(regex("^([0-9]{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)", var.container_image), null)
  ecr_repository_arn = local.ecr_image == null ? null : (
    "arn:${local.partition}:ecr:${local.ecr_image[1]}:${local.ecr_image[0]}:repository/${local.ecr_image[2]}"
  )

  execution_statements = concat(
    [for s in [
      {
        # GetAuthorizationToken has no resource-level permissions.
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        Sid      = "PullTheServiceImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = local.ecr_repository_arn
      },
    ] : s if local.ecr_image != null],
    [{
      Sid      = "WriteServiceLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.log_group_arn}:log-stream:*"
    }],
    length(local.execution_secret_arns) == 0 ? [] : [{
      Sid      = "ReadContainerSecrets"
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = local.execution_secret_arns
    }],
    length(local.given_parameter_arns) == 0 ? [] : [{
      Sid      = "ReadContainerParameters"
      Effect   = "Allow"
      Action   = "ssm:GetParameters"
      Resource = local.given_parameter_arns
    }],
    length(local.execution_secret_kms_key_arns) == 0 ? [] : [{
      Sid      = "DecryptContainerSecrets"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = local.execution_secret_kms_key_arns
      Condition = {
        StringEquals = {
          "kms:ViaService" = [
            "secretsmanager.${data.aws_region.current.id}.${local.dns_suffix}",
            "ssm.${data.aws_region.current.id}.${local.dns_suffix}",
          ]
        }
      }
    }],
  )

  # Session tag keys the server sends on every AssumeRole, plus the configured claim tags.
  session_tag_keys = distinct(concat(
    ["QuiltMcpSubject", "QuiltMcpClient"],
    [for t in var.session_tag_claims : split("=", t)[0]],
  ))

  signing_secret_statements = concat(
    [for s in [{
      Sid      = "ReadTokenSigningSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource = [var.auth_hs256_secret_arn]
    }] : s if var.auth_hs256_secret_arn != null],
    [for s in [{
      Sid      = "DecryptTokenSigningSecret"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = var.auth_hs256_secret_kms_key_arn
      Condition = {
        StringEquals = { "kms:ViaService" = "secretsmanager.${data.aws_region.current.id}.${local.dns_suffix}" }
      }
    }] : s if var.auth_hs256_secret_arn != null && var.auth_hs256_secret_kms_key_arn != null],
  )
}

resource "aws_iam_role" "execution" {
  name                 = "${var.name}-execution"
  description          = "ECS agent of ${var.name}: pull the image, write logs, read exactly the container secrets"
  assume_role_policy   = local.ecs_tasks_trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = local.tags
}

resource "aws_iam_role_policy" "execution" {
  name = "execution"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.execution_statements
  })
}

resource "aws_iam_role" "task" {
  name                 = "${var.name}-task"
  description          = "quilt-mcp server of ${var.name} (${var.role_mode})"
  assume_role_policy   = local.ecs_tasks_trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = local.tags

  lifecycle {
    precondition {
      condition     = var.role_mode != "per-user" || length(var.allowed_role_arns) > 0
      error_message = "role_mode per-user needs allowed_role_arns: the data roles web principals may assume."
    }
    precondition {
      condition = var.default_role_arn == null || anytrue([
        for p in var.allowed_role_arns : can(regex(
          "^${replace(replace(replace(p, ".", "\\."), "+", "\\+"), "*", "[^/:]*")}$",
          var.default_role_arn,
        ))
      ])
      error_message = "default_role_arn must match one of allowed_role_arns."
    }
  }
}

# Per-user roles: assume, tag and set the source identity on exactly the allow-listed data roles
# (policies/trust/task-role-assume.json). The data roles' trust (output data_role_trust_policy)
# limits the session tags and source identity in turn.
resource "aws_iam_role_policy" "assume" {
  count = length(var.allowed_role_arns) > 0 ? 1 : 0

  name   = "assume-data-roles"
  role   = aws_iam_role.task.id
  policy = jsonencode(local.task_role_assume_document)
}

# The server reads its HS256 key itself when auth_hs256_secret_arn is set.
resource "aws_iam_role_policy" "signing_secret" {
  count = var.auth_hs256_secret_arn != null ? 1 : 0

  name = "read-token-signing-secret"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.signing_secret_statements
  })
}

# single-tenant: the task role itself holds the enabled categories' policies. In per-user mode they
# are only rendered (output category_policies) for the customer's data roles.
resource "aws_iam_role_policy" "category" {
  for_each = var.role_mode == "single-tenant" ? local.category_policies : {}


  name   = "category-${each.key}"
  role   = aws_iam_role.task.id
  policy = each.value
}

# Plan-time guard for single-tenant mode: every enabled category must be renderable.
resource "terraform_data" "category_policy_inputs" {
  input = local.unrendered_categories

  lifecycle {
    precondition {
      condition     = var.role_mode != "single-tenant" || length(local.unrendered_categories) == 0
      error_message = "single-tenant: these enabled categories lack policy inputs (buckets, athena_output_location, glue_databases): ${join(", ", local.unrendered_categories)}."
    }
  }
}
