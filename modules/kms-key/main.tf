# Internal module (no README: the Terraform Registry's mark of a module not meant for direct use):
# the one customer managed KMS key of the modules that create keys (mcp-server, waf,
# observability). Rotation is always on, the account administers the key through IAM, and each
# caller adds only the statements of the one service that uses it.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # CloudWatch Logs may use the key only for the one log group named (its encryption context).
  log_group_statements = var.log_group == null ? [] : [{
    Sid       = var.log_group.sid
    Effect    = "Allow"
    Principal = { Service = "logs.${data.aws_region.current.id}.${data.aws_partition.current.dns_suffix}" }
    Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    Resource  = "*"
    Condition = {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = var.log_group.arn }
    }
  }]

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid       = "AccountAdministersKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }], local.log_group_statements, var.service_statements)
  })
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.policy
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
