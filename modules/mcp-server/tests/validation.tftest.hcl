# One negative run per validation and precondition: a dangerous or malformed input is refused
# at plan time. validation_accepts.tftest.hcl shows the edge values that must still pass.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_uppercase" {
  command = plan

  variables {
    name = "Quilt-MCP"
  }

  expect_failures = [var.name]
}

run "rejects_name_too_long" {
  command = plan

  variables {
    name = "quilt-mcp-with-a-name-far-too-long"
  }

  expect_failures = [var.name]
}

run "rejects_vpc_id_malformed" {
  command = plan

  variables {
    vpc_id = "vpc-xyz"
  }

  expect_failures = [var.vpc_id]
}

run "rejects_subnet_ids_empty" {
  command = plan

  variables {
    subnet_ids = []
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_subnet_ids_malformed" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0", "sg-0123456789abcdef0"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_endpoint_sg_malformed" {
  command = plan

  variables {
    vpc_endpoint_security_group_ids = ["vpce-0123456789abcdef0"]
  }

  expect_failures = [var.vpc_endpoint_security_group_ids]
}

run "rejects_prefix_list_malformed" {
  command = plan

  variables {
    s3_prefix_list_ids = ["0.0.0.0/0"]
  }

  expect_failures = [var.s3_prefix_list_ids]
}

run "rejects_egress_cidr_invalid" {
  command = plan

  variables {
    egress_cidr_blocks = ["10.0.0.300/24"]
  }

  expect_failures = [var.egress_cidr_blocks]
}

run "rejects_egress_cidr_ipv4_internet" {
  command = plan

  variables {
    egress_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.egress_cidr_blocks]
}

run "rejects_egress_cidr_ipv6_internet" {
  command = plan

  variables {
    egress_cidr_blocks = ["::/0"]
  }

  expect_failures = [var.egress_cidr_blocks]
}

run "rejects_egress_cidr_internet_halves" {
  command = plan

  variables {
    egress_cidr_blocks = ["0.0.0.0/1", "128.0.0.0/1"]
  }

  expect_failures = [var.egress_cidr_blocks]
}

run "rejects_egress_cidr_internet_even_with_exception" {
  command = plan

  variables {
    egress_cidr_blocks    = ["0.0.0.0/0"]
    allow_internet_egress = true
  }

  expect_failures = [var.egress_cidr_blocks]
}

run "rejects_listener_arn_of_a_load_balancer" {
  command = plan

  variables {
    listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mcp/0123456789abcdef"
  }

  expect_failures = [var.listener_arn]
}

run "rejects_listener_rule_priority_zero" {
  command = plan

  variables {
    listener_rule_priority = 0
  }

  expect_failures = [var.listener_rule_priority]
}

run "rejects_listener_rule_priority_fraction" {
  command = plan

  variables {
    listener_rule_priority = 1.5
  }

  expect_failures = [var.listener_rule_priority]
}

run "rejects_alb_security_group_malformed" {
  command = plan

  variables {
    alb_security_group_id = "alb-sg"
  }

  expect_failures = [var.alb_security_group_id]
}

run "rejects_deregistration_delay_negative" {
  command = plan

  variables {
    deregistration_delay = -1
  }

  expect_failures = [var.deregistration_delay]
}

run "rejects_cluster_arn_malformed" {
  command = plan

  variables {
    cluster_arn    = "arn:aws:ecs:us-east-1:123456789012:service/x/y"
    create_cluster = false
  }

  expect_failures = [var.cluster_arn]
}

run "rejects_image_latest" {
  command = plan

  variables {
    container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp:latest"
  }

  expect_failures = [var.container_image]
}

run "rejects_image_untagged" {
  command = plan

  variables {
    container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp"
  }

  expect_failures = [var.container_image]
}

run "rejects_image_registry_port_is_not_a_tag" {
  command = plan

  variables {
    container_image = "registry.example.com:5000/quilt-mcp"
  }

  expect_failures = [var.container_image]
}

run "rejects_image_short_digest" {
  command = plan

  variables {
    container_image = "quilt-mcp@sha256:abc"
  }

  expect_failures = [var.container_image]
}

run "rejects_user_root" {
  command = plan

  variables {
    container_user = "0:0"
  }

  expect_failures = [var.container_user]
}

run "rejects_user_root_by_name" {
  command = plan

  variables {
    container_user = "root"
  }

  expect_failures = [var.container_user]
}

run "rejects_user_without_group" {
  command = plan

  variables {
    container_user = "65532"
  }

  expect_failures = [var.container_user]
}

run "rejects_user_root_group" {
  command = plan

  variables {
    container_user = "65532:0"
  }

  expect_failures = [var.container_user]
}

run "rejects_healthcheck_binary_relative" {
  command = plan

  variables {
    healthcheck_binary = "quilt-mcp"
  }

  expect_failures = [var.healthcheck_binary]
}

run "rejects_cpu_invalid" {
  command = plan

  variables {
    cpu = 300
  }

  expect_failures = [var.cpu]
}

run "rejects_memory_too_small" {
  command = plan

  variables {
    memory = 256
  }

  expect_failures = [var.memory]
}

run "rejects_cpu_architecture_invalid" {
  command = plan

  variables {
    cpu_architecture = "arm"
  }

  expect_failures = [var.cpu_architecture]
}

run "rejects_platform_version_old" {
  command = plan

  variables {
    platform_version = "1.3.0"
  }

  expect_failures = [var.platform_version]
}

run "rejects_stop_timeout_above_fargate_max" {
  command = plan

  variables {
    stop_timeout = 121
  }

  expect_failures = [var.stop_timeout]
}

run "rejects_desired_count_zero" {
  command = plan

  variables {
    desired_count = 0
  }

  expect_failures = [var.desired_count]
}

run "rejects_autoscaling_min_zero" {
  command = plan

  variables {
    autoscaling_min_capacity = 0
  }

  expect_failures = [var.autoscaling_min_capacity]
}

run "rejects_autoscaling_max_too_large" {
  command = plan

  variables {
    autoscaling_max_capacity = 1001
  }

  expect_failures = [var.autoscaling_max_capacity]
}

run "rejects_autoscaling_cpu_target_too_high" {
  command = plan

  variables {
    autoscaling_cpu_target = 95
  }

  expect_failures = [var.autoscaling_cpu_target]
}

run "rejects_autoscaling_requests_zero" {
  command = plan

  variables {
    autoscaling_requests_per_target = 0
  }

  expect_failures = [var.autoscaling_requests_per_target]
}

run "rejects_grace_period_negative" {
  command = plan

  variables {
    health_check_grace_period_seconds = -5
  }

  expect_failures = [var.health_check_grace_period_seconds]
}

run "rejects_deployment_alarm_name_empty" {
  command = plan

  variables {
    deployment_alarm_names = [""]
  }

  expect_failures = [var.deployment_alarm_names]
}

run "rejects_log_retention_short" {
  command = plan

  variables {
    log_retention_in_days = 30
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_log_retention_just_under_a_year" {
  command = plan

  variables {
    log_retention_in_days = 364
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_kms_key_alias" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:alias/logs"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_deletion_window_short" {
  command = plan

  variables {
    kms_deletion_window_in_days = 6
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_permissions_boundary_malformed" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/boundary"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "rejects_rotation_lambda_malformed" {
  command = plan

  variables {
    hs256_secret_rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:layer:x"
  }

  expect_failures = [var.hs256_secret_rotation_lambda_arn]
}

run "rejects_rotation_days_zero" {
  command = plan

  variables {
    hs256_secret_rotation_days = 0
  }

  expect_failures = [var.hs256_secret_rotation_days]
}

run "rejects_hs256_value_from_plain_value" {
  command = plan

  variables {
    auth_hs256_secret_value_from = "this-is-the-secret-itself-0123456789abcdef"
  }

  expect_failures = [var.auth_hs256_secret_value_from]
}

run "rejects_hs256_previous_value_from_malformed" {
  command = plan

  variables {
    auth_hs256_secret_previous_value_from = "arn:aws:s3:::bucket/key"
  }

  expect_failures = [var.auth_hs256_secret_previous_value_from]
}

run "rejects_hs256_secret_kms_key_malformed" {
  command = plan

  variables {
    auth_hs256_secret_kms_key_arn = "alias/aws/secretsmanager"
  }

  expect_failures = [var.auth_hs256_secret_kms_key_arn]
}

run "rejects_extra_secret_plain_value" {
  command = plan

  variables {
    extra_secrets = { API_TOKEN = "plaintext-token" }
  }

  expect_failures = [var.extra_secrets]
}

run "rejects_extra_secret_bad_name" {
  command = plan

  variables {
    extra_secrets = { "BAD-NAME" = "arn:aws:ssm:us-east-1:123456789012:parameter/x" }
  }

  expect_failures = [var.extra_secrets]
}

run "rejects_secrets_kms_key_malformed" {
  command = plan

  variables {
    secrets_kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:alias/x"]
  }

  expect_failures = [var.secrets_kms_key_arns]
}

run "rejects_extra_env_bad_name" {
  command = plan

  variables {
    extra_environment = { "1BAD" = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_api_secret" {
  command = plan

  variables {
    extra_environment = { API_SECRET = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_github_token" {
  command = plan

  variables {
    extra_environment = { GITHUB_TOKEN = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_db_password" {
  command = plan

  variables {
    extra_environment = { DB_PASSWORD = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_pgpasswd" {
  command = plan

  variables {
    extra_environment = { PGPASSWD = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_mysql_pwd" {
  command = plan

  variables {
    extra_environment = { MYSQL_PWD = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_signing_key" {
  command = plan

  variables {
    extra_environment = { SIGNING_KEY = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_aws_secret_access_key" {
  command = plan

  variables {
    extra_environment = { aws_secret_access_key = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_private_pem" {
  command = plan

  variables {
    extra_environment = { PRIVATE_PEM = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_service_credentials" {
  command = plan

  variables {
    extra_environment = { SERVICE_CREDENTIALS = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_jwt_hs256" {
  command = plan

  variables {
    extra_environment = { JWT_HS256 = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_bearer" {
  command = plan

  variables {
    extra_environment = { BEARER = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_password_salt" {
  command = plan

  variables {
    extra_environment = { PASSWORD_SALT = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_session_cookie" {
  command = plan

  variables {
    extra_environment = { SESSION_COOKIE = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_basic_auth" {
  command = plan

  variables {
    extra_environment = { BASIC_AUTH = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_secret_like_gpg_passphrase" {
  command = plan

  variables {
    extra_environment = { GPG_PASSPHRASE = "x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_overrides_a_setting" {
  command = plan

  variables {
    extra_environment = { QUILT_MCP_ROLE_MODE = "single-tenant" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_extra_env_sets_aws_variable" {
  command = plan

  variables {
    extra_environment = { AWS_ROLE_ARN = "arn:aws:iam::123456789012:role/x" }
  }

  expect_failures = [var.extra_environment]
}

run "rejects_host_with_spaces" {
  command = plan

  variables {
    host = "0.0.0.0 evil"
  }

  expect_failures = [var.host]
}

run "rejects_port_zero" {
  command = plan

  variables {
    port = 0
  }

  expect_failures = [var.port]
}

run "rejects_port_too_large" {
  command = plan

  variables {
    port = 65536
  }

  expect_failures = [var.port]
}

run "rejects_public_url_http" {
  command = plan

  variables {
    public_url = "http://mcp.example.com/mcp"
  }

  expect_failures = [var.public_url]
}

run "rejects_public_url_without_path" {
  command = plan

  variables {
    public_url = "https://mcp.example.com"
  }

  expect_failures = [var.public_url]
}

run "rejects_public_url_trailing_slash" {
  command = plan

  variables {
    public_url = "https://mcp.example.com/mcp/"
  }

  expect_failures = [var.public_url]
}

run "rejects_public_url_with_query" {
  command = plan

  variables {
    public_url = "https://mcp.example.com/mcp?x=1"
  }

  expect_failures = [var.public_url]
}

run "rejects_allowed_origin_with_path" {
  command = plan

  variables {
    allowed_origins = ["https://claude.ai/chat"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_allowed_origin_wildcard" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_allowed_host_with_scheme" {
  command = plan

  variables {
    allowed_hosts = ["https://mcp.example.com"]
  }

  expect_failures = [var.allowed_hosts]
}

run "rejects_max_body_bytes_too_small" {
  command = plan

  variables {
    max_body_bytes = 1023
  }

  expect_failures = [var.max_body_bytes]
}

run "rejects_max_body_bytes_too_large" {
  command = plan

  variables {
    max_body_bytes = 16777217
  }

  expect_failures = [var.max_body_bytes]
}

run "rejects_rate_limit_zero" {
  command = plan

  variables {
    rate_limit_per_minute = 0
  }

  expect_failures = [var.rate_limit_per_minute]
}

run "rejects_rate_limit_burst_zero" {
  command = plan

  variables {
    rate_limit_burst = 0
  }

  expect_failures = [var.rate_limit_burst]
}

run "rejects_drain_timeout_zero" {
  command = plan

  variables {
    drain_timeout_seconds = 0
  }

  expect_failures = [var.drain_timeout_seconds]
}

run "rejects_auth_issuer_empty" {
  command = plan

  variables {
    auth_issuer = ""
  }

  expect_failures = [var.auth_issuer]
}

run "rejects_auth_issuer_with_space" {
  command = plan

  variables {
    auth_issuer = "https://issuer example"
  }

  expect_failures = [var.auth_issuer]
}

run "rejects_auth_audience_with_space" {
  command = plan

  variables {
    auth_audience = "a b"
  }

  expect_failures = [var.auth_audience]
}

run "rejects_auth_jwks_url_http" {
  command = plan

  variables {
    auth_jwks_url = "http://issuer.example.com/jwks.json"
  }

  expect_failures = [var.auth_jwks_url]
}

run "rejects_auth_algorithms_hs256" {
  command = plan

  variables {
    auth_algorithms = ["RS256", "HS256"]
  }

  expect_failures = [var.auth_algorithms]
}

run "rejects_auth_algorithms_none" {
  command = plan

  variables {
    auth_algorithms = ["none"]
  }

  expect_failures = [var.auth_algorithms]
}

run "rejects_auth_algorithms_empty" {
  command = plan

  variables {
    auth_algorithms = []
  }

  expect_failures = [var.auth_algorithms]
}

run "rejects_auth_hs256_secret_arn_with_json_key" {
  command = plan

  variables {
    auth_hs256_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf:key::"
  }

  expect_failures = [var.auth_hs256_secret_arn]
}

run "rejects_auth_required_scope_with_space" {
  command = plan

  variables {
    auth_required_scopes = ["mcp read"]
  }

  expect_failures = [var.auth_required_scopes]
}

run "rejects_auth_jwks_max_stale_too_short" {
  command = plan

  variables {
    auth_jwks_max_stale_seconds = 599
  }

  expect_failures = [var.auth_jwks_max_stale_seconds]
}

run "rejects_auth_hs256_secret_refresh_too_long" {
  command = plan

  variables {
    auth_hs256_secret_refresh_seconds = 86401
  }

  expect_failures = [var.auth_hs256_secret_refresh_seconds]
}

run "rejects_auth_clock_tolerance_too_large" {
  command = plan

  variables {
    auth_clock_tolerance_seconds = 301
  }

  expect_failures = [var.auth_clock_tolerance_seconds]
}

run "rejects_auth_authorization_server_http" {
  command = plan

  variables {
    auth_authorization_servers = ["http://issuer.example.com"]
  }

  expect_failures = [var.auth_authorization_servers]
}

run "rejects_auth_max_token_bytes_too_small" {
  command = plan

  variables {
    auth_max_token_bytes = 511
  }

  expect_failures = [var.auth_max_token_bytes]
}

run "rejects_role_mode_unknown" {
  command = plan

  variables {
    role_mode = "shared"
  }

  expect_failures = [var.role_mode]
}

run "rejects_role_claim_with_space" {
  command = plan

  variables {
    role_claim = "role arns"
  }

  expect_failures = [var.role_claim]
}

run "rejects_default_role_arn_wildcard" {
  command = plan

  variables {
    default_role_arn = "arn:aws:iam::123456789012:role/*"
  }

  expect_failures = [var.default_role_arn]
}

run "rejects_allowed_role_arn_user" {
  command = plan

  variables {
    allowed_role_arns = ["arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [var.allowed_role_arns]
}

run "rejects_allowed_role_arn_bare_wildcard" {
  command = plan

  variables {
    allowed_role_arns = ["arn:aws:iam::123456789012:role/*"]
  }

  expect_failures = [var.allowed_role_arns]
}

run "rejects_allowed_role_arn_any_account_any_name" {
  command = plan

  variables {
    allowed_role_arns = ["arn:aws:iam::*:role/quilt*"]
  }

  expect_failures = [var.allowed_role_arns]
}

run "rejects_session_tag_claim_without_claim" {
  command = plan

  variables {
    session_tag_claims = ["Department"]
  }

  expect_failures = [var.session_tag_claims]
}

run "rejects_sts_duration_beyond_role_chaining" {
  command = plan

  variables {
    sts_duration_seconds = 7200
  }

  expect_failures = [var.sts_duration_seconds]
}

run "rejects_sts_duration_too_short" {
  command = plan

  variables {
    sts_duration_seconds = 899
  }

  expect_failures = [var.sts_duration_seconds]
}

run "rejects_credential_cache_zero" {
  command = plan

  variables {
    credential_cache_size = 0
  }

  expect_failures = [var.credential_cache_size]
}

run "rejects_tool_category_unknown" {
  command = plan

  variables {
    tool_categories = ["s3-read", "superuser"]
  }

  expect_failures = [var.tool_categories]
}

run "rejects_tool_categories_empty" {
  command = plan

  variables {
    tool_categories = []
  }

  expect_failures = [var.tool_categories]
}

run "rejects_bucket_arn_instead_of_name" {
  command = plan

  variables {
    buckets = ["arn:aws:s3:::data"]
  }

  expect_failures = [var.buckets]
}

run "rejects_catalog_url_http" {
  command = plan

  variables {
    catalog_url = "http://catalog.example.com"
  }

  expect_failures = [var.catalog_url]
}

run "rejects_registry_url_http" {
  command = plan

  variables {
    registry_url = "http://registry.example.com"
  }

  expect_failures = [var.registry_url]
}

run "rejects_registry_audience_with_space" {
  command = plan

  variables {
    registry_audience = "a b"
  }

  expect_failures = [var.registry_audience]
}

run "rejects_max_read_bytes_too_large" {
  command = plan

  variables {
    max_read_bytes = 10485761
  }

  expect_failures = [var.max_read_bytes]
}

run "rejects_presign_too_long" {
  command = plan

  variables {
    presign_max_seconds = 43201
  }

  expect_failures = [var.presign_max_seconds]
}

run "rejects_permissions_cache_too_long" {
  command = plan

  variables {
    permissions_cache_seconds = 3601
  }

  expect_failures = [var.permissions_cache_seconds]
}

run "rejects_athena_workgroup_with_space" {
  command = plan

  variables {
    athena_workgroup = "my group"
  }

  expect_failures = [var.athena_workgroup]
}

run "rejects_athena_output_location_not_s3" {
  command = plan

  variables {
    athena_output_location = "https://bucket/results"
  }

  expect_failures = [var.athena_output_location]
}

run "rejects_athena_max_rows_zero" {
  command = plan

  variables {
    athena_max_rows = 0
  }

  expect_failures = [var.athena_max_rows]
}

run "rejects_athena_timeout_too_long" {
  command = plan

  variables {
    athena_timeout_seconds = 901
  }

  expect_failures = [var.athena_timeout_seconds]
}

run "rejects_aws_region_malformed" {
  command = plan

  variables {
    aws_region = "US-EAST-1"
  }

  expect_failures = [var.aws_region]
}

run "rejects_aws_endpoint_url_http" {
  command = plan

  variables {
    aws_endpoint_url = "http://localhost:5000"
  }

  expect_failures = [var.aws_endpoint_url]
}

run "rejects_log_level_unknown" {
  command = plan

  variables {
    log_level = "trace"
  }

  expect_failures = [var.log_level]
}

run "rejects_metrics_unknown" {
  command = plan

  variables {
    metrics = "statsd"
  }

  expect_failures = [var.metrics]
}

run "rejects_metrics_namespace_with_space" {
  command = plan

  variables {
    metrics_namespace = "Quilt MCP"
  }

  expect_failures = [var.metrics_namespace]
}

run "rejects_drain_not_below_stop_timeout" {
  command = plan

  variables {
    drain_timeout_seconds = 30
    stop_timeout          = 30
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_no_token_verifier" {
  command = plan

  variables {
    auth_jwks_url = null
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_two_hs256_sources" {
  command = plan

  variables {
    create_hs256_secret          = true
    auth_hs256_secret_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf"
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_hs256_through_extra_secrets" {
  command = plan

  variables {
    extra_secrets = { QUILT_MCP_AUTH_HS256_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf" }
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_invalid_fargate_size" {
  command = plan

  variables {
    cpu    = 256
    memory = 4096
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_no_cluster" {
  command = plan

  variables {
    create_cluster = false
  }

  expect_failures = [aws_ecs_service.this]
}

run "rejects_per_user_without_roles" {
  command = plan

  variables {
    allowed_role_arns = []
  }

  expect_failures = [aws_iam_role.task]
}

run "rejects_default_role_outside_allow_list" {
  command = plan

  variables {
    default_role_arn = "arn:aws:iam::123456789012:role/admin"
  }

  expect_failures = [aws_iam_role.task]
}

run "rejects_autoscaling_min_above_max" {
  command = plan

  variables {
    autoscaling_min_capacity = 4
    autoscaling_max_capacity = 3
  }

  expect_failures = [aws_appautoscaling_target.this]
}

run "rejects_single_tenant_without_policy_inputs" {
  command = plan

  variables {
    role_mode       = "single-tenant"
    tool_categories = ["s3-read", "athena"]
    buckets         = ["quilt-example"]
  }

  expect_failures = [terraform_data.category_policy_inputs]
}

run "rejects_glue_database_uppercase" {
  command = plan

  variables {
    glue_databases = ["Genomics"]
  }

  expect_failures = [var.glue_databases]
}

run "rejects_subject_pattern_with_space" {
  command = plan

  variables {
    subject_pattern = "* @example.com"
  }

  expect_failures = [var.subject_pattern]
}

run "rejects_tls_certificate_value_from_malformed" {
  command = plan

  variables {
    tls_certificate_value_from = "-----BEGIN CERTIFICATE-----"
  }

  expect_failures = [var.tls_certificate_value_from]
}

run "rejects_tls_private_key_value_from_malformed" {
  command = plan

  variables {
    tls_private_key_value_from = "arn:aws:s3:::bucket/key.pem"
  }

  expect_failures = [var.tls_private_key_value_from]
}

run "rejects_tls_certificate_without_key" {
  command = plan

  variables {
    tls_certificate_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-tls-cert-AbCdEf"
  }

  expect_failures = [aws_lb_target_group.this]
}
