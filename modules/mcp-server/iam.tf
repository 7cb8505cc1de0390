# Task and execution roles. Every policy is written with jsonencode so scanners read it (checkov
# cannot evaluate file() or jsondecode()); tests/iam.tftest.hcl asserts the exact statements.

locals {
  # Only ECS tasks of this account and region may assume the roles (confused-deputy guard).
  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${data.aws_region.current.id}:${local.account_id}:*" }
      }
    }]
  })

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

  auth_secret_arns = var.auth_hs256_secret_arn == null ? [] : [var.auth_hs256_secret_arn]

  task_statements = concat(
    [for s in [
      {
        Sid      = "AssumeAllowListedDataRoles"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole", "sts:SetSourceIdentity"]
        Resource = var.allowed_role_arns
      },
      {
        Sid      = "TagSessionsWithTheServerTagsOnly"
        Effect   = "Allow"
        Action   = "sts:TagSession"
        Resource = var.allowed_role_arns
        Condition = {
          "ForAllValues:StringEquals" = { "aws:TagKeys" = local.session_tag_keys }
        }
      },
    ] : s if length(var.allowed_role_arns) > 0],
    length(local.auth_secret_arns) == 0 ? [] : [{
      Sid      = "ReadTokenSigningSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource = local.auth_secret_arns
    }],
    var.auth_hs256_secret_arn == null || var.auth_hs256_secret_kms_key_arn == null ? [] : [{
      Sid      = "DecryptTokenSigningSecret"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = var.auth_hs256_secret_kms_key_arn
      Condition = {
        StringEquals = { "kms:ViaService" = "secretsmanager.${data.aws_region.current.id}.${local.dns_suffix}" }
      }
    }],
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

resource "aws_iam_role_policy" "task" {
  count = length(local.task_statements) > 0 ? 1 : 0

  name = "assume-data-roles"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.task_statements
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
