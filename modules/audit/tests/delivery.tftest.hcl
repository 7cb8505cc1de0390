# Delivery to CloudWatch Logs: the group is encrypted with the trail's key and kept at least a
# year; CloudTrail writes through a role only this trail may assume and that may only add streams
# and events to this group.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "log_group" {
  assert {
    condition     = aws_cloudwatch_log_group.trail.name == "/aws/cloudtrail/quilt-mcp-audit" && aws_cloudwatch_log_group.trail.retention_in_days == 365
    error_message = "The trail's log group ($TRAIL_LOG_GROUP) must keep events a year by default."
  }
  assert {
    condition     = aws_cloudwatch_log_group.trail.kms_key_id == module.kms_key.arn
    error_message = "The log group must be encrypted with the trail's key."
  }
}

run "role_only_for_this_trail" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.cloudwatch.assume_role_policy).Statement == [{
      Sid       = "CloudTrailOfThisTrailOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceArn"     = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit"
          "aws:SourceAccount" = "123456789012"
        }
      }
    }]
    error_message = "Only CloudTrail acting for this trail may assume the delivery role (confused deputy)."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.cloudwatch.policy).Statement == [{
      Sid      = "StreamsOfTheTrailLogGroupOnly"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit:log-stream:123456789012_CloudTrail_*"
    }]
    error_message = "The role may only create CloudTrail's streams in the trail's log group and put events there."
  }
}
