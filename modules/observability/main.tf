data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  namespace = coalesce(var.metrics_namespace, local.telemetry_catalog.namespace)

  # Every name below is looked up in the generated catalog (catalog.tf): a metric, dimension or
  # value the server does not emit is an error at plan time, not an alarm that never fires.
  metric     = { for k, v in local.telemetry_catalog.metrics : k => k }
  dimension  = { for d in distinct(flatten([for m in local.telemetry_catalog.metrics : flatten(m.dimensions)])) : d => d }
  outcome    = { for o in local.telemetry_catalog.outcomes : o => o }
  clients    = local.telemetry_catalog.client_types
  kms_key_id = var.kms_key_arn != null ? var.kms_key_arn : module.kms_key[0].arn

  alb_dimensions = {
    LoadBalancer = var.load_balancer_arn_suffix
    TargetGroup  = var.target_group_arn_suffix
  }

  tags = merge(var.tags, { "quilt-mcp:component" = "observability" })
}

# --- notification topic ----------------------------------------------------------------------

module "kms_key" {
  source = "../kms-key"
  count  = var.kms_key_arn == null ? 1 : 0

  alias                   = "${var.name}-alarms"
  description             = "${var.name}: alarm notifications"
  deletion_window_in_days = var.kms_deletion_window_in_days
  service_statements = [{
    # Alarms publish to the encrypted topic as CloudWatch itself. No condition here: CloudWatch
    # does not reliably send caller/source-account context on these KMS calls, and an alarm
    # that cannot encrypt is silently lost. Which alarms may publish is decided by the topic
    # policy (aws:SourceAccount and aws:SourceArn below); this key encrypts only this topic.
    Sid       = "CloudWatchAlarmsPublishToTheTopic"
    Effect    = "Allow"
    Principal = { Service = "cloudwatch.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
  }]
  tags = local.tags
}

# The key and alias were resources of this module before modules/kms-key: keep them in place.
moved {
  from = aws_kms_key.this[0]
  to   = module.kms_key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.kms_key[0].aws_kms_alias.this
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = local.kms_key_id
  tags              = local.tags
}

resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarmsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alarms.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alarms.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}
