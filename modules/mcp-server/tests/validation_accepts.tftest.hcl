# Edge values the validations must still accept (so the negative runs do not pass by refusing
# everything).
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "accepts_edge_values" {
  command = plan

  variables {
    name                                  = "mcp"
    container_image                       = "registry.example.com:5000/team/quilt-mcp:1.2.3"
    container_user                        = "1:1"
    egress_cidr_blocks                    = ["10.0.0.0/8", "203.0.113.10/32", "2001:db8::/32"]
    log_retention_in_days                 = 0
    kms_key_arn                           = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
    allowed_role_arns                     = ["arn:aws:iam::123456789012:role/quilt-mcp/data-reader", "arn:aws:iam::123456789012:role/team/*/reader"]
    default_role_arn                      = "arn:aws:iam::123456789012:role/team/analytics/reader"
    auth_jwks_url                         = null
    auth_hs256_secret_value_from          = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:key:AWSCURRENT:"
    auth_hs256_secret_previous_value_from = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/hs256-AbCdEf:key:AWSPREVIOUS:"
    session_tag_claims                    = ["Department=dept", "CostCenter=https://example.com/cc"]
    tool_categories                       = ["s3-read", "s3-write", "packages-read", "packages-write", "search", "governance", "athena", "catalog", "admin"]
    buckets                               = ["quilt-example", "my.dotted.bucket"]
    athena_output_location                = "s3://athena-results/mcp/"
    cpu                                   = 1024
    memory                                = 8192
    stop_timeout                          = 120
    drain_timeout_seconds                 = 119
    public_url                            = "https://mcp.internal.example.com:8443/a/b"
    allowed_origins                       = ["https://claude.ai", "http://localhost:6274"]
    extra_environment                     = { NODE_OPTIONS = "--max-old-space-size=512" }
  }

  assert {
    condition     = output.route_paths == ["/a/b", "/a/b/*", "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*"]
    error_message = "The listener rule must follow the public URL's path."
  }
  assert {
    condition     = output.container_environment["QUILT_MCP_SESSION_TAG_CLAIMS"] == "Department=dept,CostCenter=https://example.com/cc"
    error_message = "List settings must be passed comma-separated."
  }
}

run "accepts_existing_cluster_and_single_tenant" {
  command = plan

  variables {
    create_cluster    = false
    cluster_arn       = "arn:aws:ecs:us-east-1:123456789012:cluster/shared"
    role_mode         = "single-tenant"
    allowed_role_arns = []
    buckets           = ["quilt-example"]
  }

  assert {
    condition     = output.cluster_name == "shared" && length(aws_ecs_cluster.this) == 0
    error_message = "An existing cluster must be used as given."
  }
  assert {
    condition     = aws_appautoscaling_target.this.resource_id == "service/shared/quilt-mcp"
    error_message = "Autoscaling must target the service in the given cluster."
  }
}
