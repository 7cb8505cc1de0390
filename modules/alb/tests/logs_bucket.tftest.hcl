# The access log bucket: SSE-S3 (the only encryption ALB log delivery supports), versioned,
# private, TLS-only, with a lifecycle, writable only by ELB log delivery.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "private_encrypted_versioned_bucket" {
  command = plan

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The bucket must be encrypted (SSE-S3)."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.logs.versioning_configuration).status == "Enabled"
    error_message = "The bucket must be versioned."
  }
  assert {
    condition = (aws_s3_bucket_public_access_block.logs.block_public_acls && aws_s3_bucket_public_access_block.logs.block_public_policy
    && aws_s3_bucket_public_access_block.logs.ignore_public_acls && aws_s3_bucket_public_access_block.logs.restrict_public_buckets)
    error_message = "All public access must be blocked."
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.logs.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }
  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.logs.rule).expiration).days == 365 && one(one(aws_s3_bucket_lifecycle_configuration.logs.rule).abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Logs must expire after the retention period; failed uploads must be cleaned up."
  }
  assert {
    condition     = aws_s3_bucket.logs.force_destroy == false
    error_message = "The log bucket must not be destroyable with its objects by default."
  }
}

run "bucket_policy_tls_only_and_log_delivery" {
  command = plan

  assert {
    condition = one([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if s.Sid == "DenyInsecureTransport"]) == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::quilt-mcp-logs-123456789012-us-east-1", "arn:aws:s3:::quilt-mcp-logs-123456789012-us-east-1/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "Requests without TLS must be denied."
  }
  assert {
    condition     = one([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Condition if s.Sid == "DenyOutdatedTls"]) == { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
    error_message = "TLS below 1.2 must be denied."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Effect == "Deny" || (s.Action == "s3:PutObject" && s.Resource == "arn:aws:s3:::quilt-mcp-logs-123456789012-us-east-1/*/AWSLogs/123456789012/*")])
    error_message = "The only grants are PutObject for log delivery under AWSLogs/<account>/."
  }
  assert {
    condition     = toset([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : jsonencode(s.Principal) if s.Effect == "Allow"]) == toset([jsonencode({ Service = "logdelivery.elasticloadbalancing.amazonaws.com" }), jsonencode({ AWS = "arn:aws:iam::127311923021:root" })])
    error_message = "Only ELB log delivery may write."
  }
}
