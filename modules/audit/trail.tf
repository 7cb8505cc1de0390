locals {
  # S3 data events of the data buckets' objects, reads and/or writes (s3_data_events).
  read_only_selector = {
    all   = []
    read  = [{ field = "readOnly", equals = ["true"] }]
    write = [{ field = "readOnly", equals = ["false"] }]
  }[var.s3_data_events]

  data_event_selectors = length(var.data_bucket_names) == 0 ? [] : [{
    name = "S3 object ${var.s3_data_events == "all" ? "reads and writes" : "${var.s3_data_events}s"} on the data buckets"
    field_selectors = concat([
      { field = "eventCategory", equals = ["Data"] },
      { field = "resources.type", equals = ["AWS::S3::Object"] },
      {
        field       = "resources.ARN"
        starts_with = [for b in var.data_bucket_names : "arn:${local.partition}:s3:::${b}/"]
      },
    ], local.read_only_selector)
  }]
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:No SNS notification per delivered log file: nothing consumes it, the CloudWatch Logs delivery (logs.tf) is the near-real-time feed, and a topic would only add a destination to secure.
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail.bucket
  kms_key_id                    = module.kms_key.arn
  enable_log_file_validation    = true
  enable_logging                = true
  is_multi_region_trail         = var.multi_region
  include_global_service_events = true

  # The API wants the group's ARN with :* (its log streams).
  cloud_watch_logs_group_arn = "${local.log_group_arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.cloudwatch.arn

  # Every management event, read and write, no event source excluded: STS AssumeRole (the user's
  # session, with its source identity), Athena (StartQueryExecution, GetQueryResults, ...), Glue
  # (GetTable, GetDatabases, ...), IAM and KMS are all management events.
  advanced_event_selector {
    name = "Management events (STS, Athena, Glue, IAM, KMS and every other service)"

    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  dynamic "advanced_event_selector" {
    for_each = local.data_event_selectors
    content {
      name = advanced_event_selector.value.name

      dynamic "field_selector" {
        for_each = advanced_event_selector.value.field_selectors
        content {
          field       = field_selector.value.field
          equals      = try(field_selector.value.equals, null)
          starts_with = try(field_selector.value.starts_with, null)
        }
      }
    }
  }

  tags = local.tags

  # CloudTrail checks at creation that it can write to both destinations.
  depends_on = [aws_s3_bucket_policy.trail, aws_cloudwatch_log_group.trail, aws_iam_role_policy.cloudwatch]
}
