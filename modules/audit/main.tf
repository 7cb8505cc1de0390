# The audit trail: one CloudTrail trail recording management events (STS AssumeRole, Athena, Glue,
# IAM, KMS, ...) and S3 data events on the data buckets, with log file validation, encrypted with
# its own KMS key, delivered to a locked-down bucket (bucket.tf) and to CloudWatch Logs (logs.tf),
# where runbooks/audit-trail.md queries it beside the server's audit records.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  trail_name = "${var.name}-audit"
  # Built, not read from the trail: the key, bucket policy and role name the trail, which uses them.
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  bucket_name = "${var.name}-audit-${local.account_id}-${local.region}"
  bucket_arn  = "arn:${local.partition}:s3:::${local.bucket_name}"
  # CloudTrail writes under AWSLogs/<account>/ (no key prefix).
  bucket_write_arn = "${local.bucket_arn}/AWSLogs/${local.account_id}/*"

  log_group_name = "/aws/cloudtrail/${local.trail_name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  tags = merge(var.tags, { "quilt-mcp:component" = "audit" })
}

# --- KMS key: CloudTrail encrypts log files for this trail only; CloudWatch Logs for its group --

module "kms_key" {
  source = "../kms-key"

  alias                   = "${var.name}-audit"
  description             = "${var.name}: CloudTrail audit trail (log files and its log group)"
  deletion_window_in_days = var.kms_deletion_window_in_days
  log_group               = { arn = local.log_group_arn, sid = "CloudWatchLogsOfTheTrailLogGroupOnly" }
  tags                    = local.tags

  # Readers decrypt through IAM (the account statement of modules/kms-key): no wildcard here.
  service_statements = [
    {
      Sid       = "CloudTrailEncryptsThisTrailsLogFilesOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "kms:GenerateDataKey*"
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceArn" = local.trail_arn }
        StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
      }
    },
    {
      Sid       = "CloudTrailDescribesTheKeyForThisTrailOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "kms:DescribeKey"
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceArn" = local.trail_arn }
      }
    },
  ]
}
