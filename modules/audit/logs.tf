# Delivery to CloudWatch Logs: the group runbooks/audit-trail.md calls $TRAIL_LOG_GROUP, encrypted
# with the trail's key, written by CloudTrail through a role that may only add to this group.

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = module.kms_key.arn
  tags              = local.tags
}

resource "aws_iam_role" "cloudwatch" {
  name        = "${var.name}-audit-cloudwatch"
  description = "CloudTrail ${local.trail_name}: deliver events to ${local.log_group_name} only"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudTrailOfThisTrailOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceArn"     = local.trail_arn
          "aws:SourceAccount" = local.account_id
        }
      }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "cloudwatch" {
  name = "deliver-to-the-trail-log-group"
  role = aws_iam_role.cloudwatch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "StreamsOfTheTrailLogGroupOnly"
      Effect = "Allow"
      Action = ["logs:CreateLogStream", "logs:PutLogEvents"]
      # CloudTrail names its streams <account>_CloudTrail_<region> (one per region of the trail).
      Resource = "${local.log_group_arn}:log-stream:${local.account_id}_CloudTrail_*"
    }]
  })
}
