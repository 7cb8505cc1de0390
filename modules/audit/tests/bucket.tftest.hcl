# The trail's bucket: private, TLS only, versioned, SSE-KMS with the trail's key, written only by
# CloudTrail for this trail, files kept at least a year.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "locked_down_bucket" {
  assert {
    condition     = aws_s3_bucket_public_access_block.trail.block_public_acls && aws_s3_bucket_public_access_block.trail.block_public_policy && aws_s3_bucket_public_access_block.trail.ignore_public_acls && aws_s3_bucket_public_access_block.trail.restrict_public_buckets
    error_message = "Every public access block setting must be on."
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.trail.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (bucket owner enforced)."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.trail.versioning_configuration).status == "Enabled"
    error_message = "The bucket must be versioned (an overwritten or deleted log file stays recoverable)."
  }
  assert {
    condition = [for r in aws_s3_bucket_server_side_encryption_configuration.trail.rule : {
      algorithm = one(r.apply_server_side_encryption_by_default).sse_algorithm
      key       = one(r.apply_server_side_encryption_by_default).kms_master_key_id
      bucket    = r.bucket_key_enabled
    }] == [{ algorithm = "aws:kms", key = module.kms_key.arn, bucket = true }]
    error_message = "Default encryption must be SSE-KMS with the trail's key."
  }
  assert {
    condition     = aws_s3_bucket.trail.force_destroy == false
    error_message = "The evidence must not be destroyable with the stack by default."
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.trail.rule).expiration[0].days == 2557 && one(aws_s3_bucket_lifecycle_configuration.trail.rule).status == "Enabled"
    error_message = "Log files must be kept bucket_retention_in_days (seven years by default)."
  }
  assert {
    condition     = length(aws_s3_bucket_logging.trail) == 0
    error_message = "No access logging without access_logs_bucket."
  }
}

run "tls_only_and_this_trail_only_policy" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.trail.policy).Statement : s if s.Effect == "Deny"] == [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1", "arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1", "arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
    error_message = "The bucket must refuse every request without TLS 1.2 or later."
  }
  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.trail.policy).Statement : s if s.Effect == "Allow"] == [
      {
        Sid       = "CloudTrailAclCheckForThisTrailOnly"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1"
        Condition = { StringEquals = { "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit" } }
      },
      {
        Sid       = "CloudTrailWritesThisTrailsFilesOnly"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::quilt-mcp-audit-123456789012-us-east-1/AWSLogs/123456789012/*"
        Condition = {
          StringEquals = {
            "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit"
            "s3:x-amz-acl"  = "bucket-owner-full-control"
          }
        }
      },
    ]
    error_message = "Only CloudTrail, for this trail (aws:SourceArn), may check the ACL and write, and only under AWSLogs/<account>/."
  }
}

run "access_logging_when_asked" {
  command = plan

  variables {
    access_logs_bucket = "org-s3-access-logs"
  }

  assert {
    condition     = aws_s3_bucket_logging.trail[0].target_bucket == "org-s3-access-logs" && aws_s3_bucket_logging.trail[0].target_prefix == "s3-access/quilt-mcp-audit-123456789012-us-east-1/"
    error_message = "Access to the evidence must be logged to access_logs_bucket."
  }
}
