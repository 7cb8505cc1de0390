# The trail's KMS key (modules/kms-key): rotating; CloudTrail may generate data keys and describe
# the key only for this trail; CloudWatch Logs may use it only for the trail's log group.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "scoped_key_policy" {
  command = plan

  assert {
    condition     = module.kms_key.rotation_enabled == true && module.kms_key.deletion_window_in_days == 30
    error_message = "The key must rotate."
  }
  assert {
    condition = [for s in jsondecode(module.kms_key.policy).Statement : s.Sid] == [
      "AccountAdministersKeyThroughIam",
      "CloudWatchLogsOfTheTrailLogGroupOnly",
      "CloudTrailEncryptsThisTrailsLogFilesOnly",
      "CloudTrailDescribesTheKeyForThisTrailOnly",
    ]
    error_message = "The key policy must hold the account, the trail's log group and this trail, nothing else."
  }
  assert {
    condition = one([for s in jsondecode(module.kms_key.policy).Statement : s if s.Sid == "CloudTrailEncryptsThisTrailsLogFilesOnly"]) == {
      Sid       = "CloudTrailEncryptsThisTrailsLogFilesOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "kms:GenerateDataKey*"
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit" }
        StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:123456789012:trail/*" }
      }
    }
    error_message = "CloudTrail may only generate data keys for this trail (aws:SourceArn) and this account's trails' context."
  }
  assert {
    condition     = one([for s in jsondecode(module.kms_key.policy).Statement : s.Condition if s.Sid == "CloudTrailDescribesTheKeyForThisTrailOnly"]) == { StringEquals = { "aws:SourceArn" = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit" } }
    error_message = "CloudTrail may only describe the key for this trail."
  }
  assert {
    condition     = one([for s in jsondecode(module.kms_key.policy).Statement : s.Condition if s.Sid == "CloudWatchLogsOfTheTrailLogGroupOnly"]) == { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit" } }
    error_message = "CloudWatch Logs may use the key only for the trail's log group."
  }
  assert {
    condition     = alltrue([for s in jsondecode(module.kms_key.policy).Statement : s.Principal != "*" && try(s.Principal.AWS, "") != "*"])
    error_message = "No wildcard principal in the key policy."
  }
}
