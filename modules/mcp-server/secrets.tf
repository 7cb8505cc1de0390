# Secret settings reach the container only through ECS `secrets` (valueFrom), never `environment`.

module "secrets_key" {
  source = "../kms-key"
  count  = var.create_hs256_secret ? 1 : 0

  alias                   = "${var.name}-secrets"
  description             = "${var.name}: HS256 token signing secret"
  deletion_window_in_days = var.kms_deletion_window_in_days
  # No service statement: use is granted by IAM (the execution role's policy, through Secrets
  # Manager only).
  tags = local.tags
}

# The key and alias were resources of this module before modules/kms-key: keep them in place.
moved {
  from = aws_kms_key.secrets[0]
  to   = module.secrets_key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.secrets[0]
  to   = module.secrets_key[0].aws_kms_alias.this
}

# Automatic rotation needs a customer rotation Lambda (hs256_secret_rotation_lambda_arn, wired
# below when given); otherwise the runbook rotates by hand with the AWSPREVIOUS window.
resource "aws_secretsmanager_secret" "hs256" {
  count = var.create_hs256_secret ? 1 : 0

  name_prefix             = "${var.name}-hs256-"
  description             = "HS256 signing key of ${var.name} bearer tokens (QUILT_MCP_AUTH_HS256_SECRET)"
  kms_key_id              = module.secrets_key[0].arn
  recovery_window_in_days = 30
  tags                    = local.tags
}

# Secrets Manager generates the first key (64 characters from a CSPRNG); no random provider needed.
data "aws_secretsmanager_random_password" "hs256" {
  count = var.create_hs256_secret ? 1 : 0

  password_length     = 64
  exclude_punctuation = true
  include_space       = false
}

resource "aws_secretsmanager_secret_version" "hs256" {
  count = var.create_hs256_secret ? 1 : 0

  secret_id     = aws_secretsmanager_secret.hs256[0].id
  secret_string = data.aws_secretsmanager_random_password.hs256[0].random_password

  lifecycle {
    # The data source yields a new value on every plan; rotation, not Terraform, changes the key.
    ignore_changes = [secret_string]
  }
}

resource "aws_secretsmanager_secret_rotation" "hs256" {
  count = var.create_hs256_secret && var.hs256_secret_rotation_lambda_arn != null ? 1 : 0

  secret_id           = aws_secretsmanager_secret.hs256[0].id
  rotation_lambda_arn = var.hs256_secret_rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.hs256_secret_rotation_days
  }
}

locals {
  # valueFrom references given by the caller (all known at plan time).
  given_secrets = merge(
    var.extra_secrets,
    var.auth_hs256_secret_value_from == null ? {} : { QUILT_MCP_AUTH_HS256_SECRET = var.auth_hs256_secret_value_from },
    var.auth_hs256_secret_previous_value_from == null ? {} : { QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS = var.auth_hs256_secret_previous_value_from },
    var.tls_certificate_value_from == null ? {} : { QUILT_MCP_TLS_CERTIFICATE = var.tls_certificate_value_from },
    var.tls_private_key_value_from == null ? {} : { QUILT_MCP_TLS_PRIVATE_KEY = var.tls_private_key_value_from },
  )

  container_secrets = merge(
    local.given_secrets,
    var.create_hs256_secret ? { QUILT_MCP_AUTH_HS256_SECRET = aws_secretsmanager_secret.hs256[0].arn } : {},
  )

  # The execution role reads the secret itself: a valueFrom may carry
  # `:json-key:version-stage:version-id`, which IAM does not know, so keep the first 7 ARN fields.
  given_secret_arns = distinct([
    for v in values(local.given_secrets) : join(":", slice(split(":", v), 0, 7))
    if split(":", v)[2] == "secretsmanager"
  ])
  given_parameter_arns = distinct([
    for v in values(local.given_secrets) : v if split(":", v)[2] == "ssm"
  ])

  execution_secret_arns = concat(
    local.given_secret_arns,
    var.create_hs256_secret ? [aws_secretsmanager_secret.hs256[0].arn] : [],
  )
  execution_secret_kms_key_arns = distinct(concat(
    var.secrets_kms_key_arns,
    var.create_hs256_secret ? [module.secrets_key[0].arn] : [],
  ))
}
