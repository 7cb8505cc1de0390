# The container environment: every non-secret server setting by its environment name
# (server/config/schema.ts). tests/terraform/settings_test.ts reads these two maps and proves that
# each setting of the schema is here exactly once, bound to the variable of the same name, and
# that no secret setting ever is. Unset (null) values and empty lists are left out so the server
# applies its own default.
locals {
  setting_scalars = {
    QUILT_MCP_TRANSPORT                         = "http"
    QUILT_MCP_HOST                              = var.host
    QUILT_MCP_PORT                              = var.port
    QUILT_MCP_PUBLIC_URL                        = var.public_url
    QUILT_MCP_MAX_BODY_BYTES                    = var.max_body_bytes
    QUILT_MCP_RATE_LIMIT_PER_MINUTE             = var.rate_limit_per_minute
    QUILT_MCP_RATE_LIMIT_BURST                  = var.rate_limit_burst
    QUILT_MCP_DRAIN_TIMEOUT_SECONDS             = var.drain_timeout_seconds
    QUILT_MCP_AUTH_ISSUER                       = var.auth_issuer
    QUILT_MCP_AUTH_AUDIENCE                     = var.auth_audience
    QUILT_MCP_AUTH_JWKS_URL                     = var.auth_jwks_url
    QUILT_MCP_AUTH_HS256_SECRET_ARN             = var.auth_hs256_secret_arn
    QUILT_MCP_AUTH_JWKS_MAX_STALE_SECONDS       = var.auth_jwks_max_stale_seconds
    QUILT_MCP_AUTH_HS256_SECRET_REFRESH_SECONDS = var.auth_hs256_secret_refresh_seconds
    QUILT_MCP_AUTH_CLOCK_TOLERANCE_SECONDS      = var.auth_clock_tolerance_seconds
    QUILT_MCP_AUTH_MAX_TOKEN_BYTES              = var.auth_max_token_bytes
    QUILT_MCP_ROLE_MODE                         = var.role_mode
    QUILT_MCP_ROLE_CLAIM                        = var.role_claim
    QUILT_MCP_DEFAULT_ROLE_ARN                  = var.default_role_arn
    QUILT_MCP_STS_DURATION_SECONDS              = var.sts_duration_seconds
    QUILT_MCP_CREDENTIAL_CACHE_SIZE             = var.credential_cache_size
    QUILT_MCP_CATALOG_URL                       = var.catalog_url
    QUILT_MCP_REGISTRY_URL                      = var.registry_url
    QUILT_MCP_REGISTRY_AUDIENCE                 = var.registry_audience
    QUILT_MCP_USE_QUILT3_LOGIN                  = false
    QUILT_MCP_MAX_READ_BYTES                    = var.max_read_bytes
    QUILT_MCP_PRESIGN_MAX_SECONDS               = var.presign_max_seconds
    QUILT_MCP_PERMISSIONS_CACHE_SECONDS         = var.permissions_cache_seconds
    QUILT_MCP_ATHENA_WORKGROUP                  = var.athena_workgroup
    QUILT_MCP_ATHENA_OUTPUT_LOCATION            = var.athena_output_location
    QUILT_MCP_ATHENA_MAX_ROWS                   = var.athena_max_rows
    QUILT_MCP_ATHENA_TIMEOUT_SECONDS            = var.athena_timeout_seconds
    AWS_REGION                                  = local.region
    AWS_ENDPOINT_URL                            = var.aws_endpoint_url
    QUILT_MCP_S3_FORCE_PATH_STYLE               = var.s3_force_path_style
    QUILT_MCP_LOG_LEVEL                         = var.log_level
    QUILT_MCP_METRICS                           = var.metrics
    QUILT_MCP_METRICS_NAMESPACE                 = var.metrics_namespace
  }

  setting_lists = {
    QUILT_MCP_ALLOWED_ORIGINS            = var.allowed_origins
    QUILT_MCP_ALLOWED_HOSTS              = var.allowed_hosts
    QUILT_MCP_AUTH_ALGORITHMS            = var.auth_algorithms
    QUILT_MCP_AUTH_REQUIRED_SCOPES       = var.auth_required_scopes
    QUILT_MCP_AUTH_AUTHORIZATION_SERVERS = var.auth_authorization_servers
    QUILT_MCP_ALLOWED_ROLE_ARNS          = var.allowed_role_arns
    QUILT_MCP_SESSION_TAG_CLAIMS         = var.session_tag_claims
    QUILT_MCP_TOOL_CATEGORIES            = var.tool_categories
    QUILT_MCP_BUCKETS                    = var.buckets
  }

  settings_environment = merge(
    { for k, v in local.setting_scalars : k => tostring(v) if v != null },
    { for k, v in local.setting_lists : k => join(",", v) if length(v) > 0 },
  )

  # The plain environment of the container: settings plus the caller's extra variables (whose
  # names were checked for secret-looking words in variables.tf).
  container_environment = merge(var.extra_environment, local.settings_environment)
}
