# Internal module (no README: the Terraform Registry's mark of a module not meant for direct use):
# the one customer managed KMS key of the modules that create keys (mcp-server, waf,
# observability). Rotation is always on, the account administers the key through IAM, and each
# caller adds only the statements of the one service that uses it.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid       = "AccountAdministersKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }], var.service_statements)
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
