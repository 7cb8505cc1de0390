# WAF logging: an aws-waf-logs-* group, KMS-encrypted, a year of retention, the authorization
# header redacted, and delivery allowed only for this account.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "encrypted_redacted_logs" {
  assert {
    condition     = startswith(aws_cloudwatch_log_group.this.name, "aws-waf-logs-") && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "WAF logs need an aws-waf-logs-* group kept at least a year."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.kms_key[0].arn && module.kms_key[0].rotation_enabled
    error_message = "The WAF log group must be encrypted with a rotating CMK."
  }
  assert {
    condition     = contains([for f in aws_wafv2_web_acl_logging_configuration.this.redacted_fields : f.single_header[0].name], "authorization")
    error_message = "Bearer tokens (authorization header) must be redacted from WAF logs."
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.log_destination_configs == toset(["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-quilt-mcp"])
    error_message = "WAF must log to the module's log group."
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.resource_arn == aws_wafv2_web_acl.this.arn
    error_message = "Logging must be configured on this web ACL."
  }
  assert {
    condition = jsondecode(aws_cloudwatch_log_resource_policy.this[0].policy_document).Statement[0].Condition == {
      StringEquals = { "aws:SourceAccount" = "123456789012" }
      ArnLike      = { "aws:SourceArn" = "arn:aws:logs:us-east-1:123456789012:*" }
    }
    error_message = "Log delivery must be limited to this account."
  }
  assert {
    condition     = one([for s in jsondecode(module.kms_key[0].policy).Statement : s.Condition if s.Sid == "CloudWatchLogsOfTheWafLogGroupOnly"]) == { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-quilt-mcp" } }
    error_message = "CloudWatch Logs may use the key only for the WAF log group."
  }
}

run "given_key_and_no_resource_policy" {
  command = plan

  variables {
    kms_key_arn                = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    create_log_resource_policy = false
  }

  assert {
    condition     = length(module.kms_key) == 0 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "A given key must be used instead of creating one."
  }
  assert {
    condition     = length(aws_cloudwatch_log_resource_policy.this) == 0
    error_message = "create_log_resource_policy = false must not create a policy."
  }
}
