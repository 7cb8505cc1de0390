# The trail: multi-region by default, log file validation, the trail's KMS key, delivery to the
# bucket and to the log group; every management event (STS, Athena, Glue, ...) and S3 data events
# on exactly the data buckets, reads and/or writes as chosen.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

# The log group's real ARN (the shared mock's is the service's group).
override_resource {
  target = aws_cloudwatch_log_group.trail
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit" }
}

# Applied under mocks: the key's ARN is known only then.
run "trail_defaults" {

  assert {
    condition     = aws_cloudtrail.this.name == "quilt-mcp-audit" && aws_cloudtrail.this.is_multi_region_trail == true && aws_cloudtrail.this.include_global_service_events == true && aws_cloudtrail.this.enable_logging == true
    error_message = "A logging, multi-region trail with global service events by default."
  }
  assert {
    condition     = aws_cloudtrail.this.enable_log_file_validation == true
    error_message = "Log file validation must be on (aws cloudtrail validate-logs)."
  }
  assert {
    condition     = aws_cloudtrail.this.kms_key_id == module.kms_key.arn && startswith(aws_cloudtrail.this.kms_key_id, "arn:aws:kms:")
    error_message = "Log files must be encrypted with the trail's own key."
  }
  assert {
    condition     = aws_cloudtrail.this.s3_bucket_name == "quilt-mcp-audit-123456789012-us-east-1" && aws_cloudtrail.this.s3_bucket_name == aws_s3_bucket.trail.bucket
    error_message = "The trail must deliver to its own bucket."
  }
  assert {
    condition     = aws_cloudtrail.this.cloud_watch_logs_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit:*" && aws_cloudtrail.this.cloud_watch_logs_group_arn == "${aws_cloudwatch_log_group.trail.arn}:*"
    error_message = "The trail must deliver to its own log group."
  }
}

run "management_events_cover_sts_athena_glue" {
  command = plan

  assert {
    condition = jsonencode([for s in aws_cloudtrail.this.advanced_event_selector : [for f in s.field_selector : { field = f.field, equals = f.equals }]]) == jsonencode([
      [{ field = "eventCategory", equals = ["Management"] }],
    ])
    error_message = "Without data buckets: one selector, every management event (read and write, no event source excluded, so STS, Athena and Glue are in)."
  }
  assert {
    condition     = length(aws_cloudtrail.this.event_selector) == 0
    error_message = "Only advanced event selectors (basic ones cannot be mixed with them)."
  }
}

run "data_events_on_the_data_buckets" {
  command = plan

  variables {
    data_bucket_names = ["quilt-data", "quilt-raw.example"]
  }

  assert {
    condition     = length(aws_cloudtrail.this.advanced_event_selector) == 2
    error_message = "Management events plus one data-event selector."
  }
  assert {
    condition = jsonencode({ for f in aws_cloudtrail.this.advanced_event_selector[1].field_selector : f.field => f.field == "resources.ARN" ? f.starts_with : f.equals }) == jsonencode({
      "eventCategory"  = ["Data"]
      "resources.type" = ["AWS::S3::Object"]
      "resources.ARN"  = ["arn:aws:s3:::quilt-data/", "arn:aws:s3:::quilt-raw.example/"]
    })
    error_message = "Data events must cover the objects of exactly the data buckets (prefix with the trailing slash, so quilt-data-other is not in), reads and writes."
  }
  assert {
    condition     = one([for f in aws_cloudtrail.this.advanced_event_selector[1].field_selector : f.equals == null || length(coalesce(f.equals, ["-"])) == 0 if f.field == "resources.ARN"])
    error_message = "The bucket ARNs must be prefixes (starts_with), never exact matches."
  }
}

run "data_events_read_only" {
  command = plan

  variables {
    data_bucket_names = ["quilt-data"]
    s3_data_events    = "read"
  }

  assert {
    condition     = one([for f in aws_cloudtrail.this.advanced_event_selector[1].field_selector : jsonencode(f.equals) if f.field == "readOnly"]) == jsonencode(["true"])
    error_message = "read must record only read-only object calls (GetObject, HeadObject)."
  }
}

run "data_events_write_only" {
  command = plan

  variables {
    data_bucket_names = ["quilt-data"]
    s3_data_events    = "write"
  }

  assert {
    condition     = one([for f in aws_cloudtrail.this.advanced_event_selector[1].field_selector : jsonencode(f.equals) if f.field == "readOnly"]) == jsonencode(["false"])
    error_message = "write must record only object writes (PutObject, DeleteObject)."
  }
}

run "single_region" {
  command = plan

  variables {
    multi_region = false
  }

  assert {
    condition     = aws_cloudtrail.this.is_multi_region_trail == false
    error_message = "multi_region = false must make a single-region trail."
  }
}
