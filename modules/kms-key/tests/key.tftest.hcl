# The key every module creates: rotating, administered by the account through IAM, used only by
# the statements its caller adds; a wildcard principal is refused.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  alias       = "quilt-mcp-logs"
  description = "quilt-mcp: CloudWatch Logs"
  service_statements = [{
    Sid       = "CloudWatchLogsOfThisServiceOnly"
    Effect    = "Allow"
    Principal = { Service = "logs.us-east-1.amazonaws.com" }
    Action    = ["kms:Decrypt"]
    Resource  = "*"
  }]
}

run "rotating_key_with_the_account_and_the_caller_statements" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and default to the full deletion window."
  }
  assert {
    condition = jsondecode(aws_kms_key.this.policy).Statement == [
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisServiceOnly"
        Effect    = "Allow"
        Principal = { Service = "logs.us-east-1.amazonaws.com" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
      },
    ]
    error_message = "The policy must be the account's administration statement, then exactly the caller's."
  }
  assert {
    condition     = aws_kms_alias.this.name == "alias/quilt-mcp-logs" && output.alias_name == "alias/quilt-mcp-logs"
    error_message = "The alias must be alias/<alias>."
  }
}

run "log_group_statement_for_one_group" {
  command = plan

  variables {
    service_statements = []
    log_group          = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/quilt-mcp", sid = "CloudWatchLogsOfThisServiceOnly" }
  }

  assert {
    condition = jsondecode(aws_kms_key.this.policy).Statement[1] == {
      Sid       = "CloudWatchLogsOfThisServiceOnly"
      Effect    = "Allow"
      Principal = { Service = "logs.us-east-1.amazonaws.com" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/quilt-mcp" } }
    }
    error_message = "CloudWatch Logs in this region may use the key only for the named log group."
  }
}

run "account_only_without_service_statements" {
  command = plan

  variables {
    service_statements      = []
    deletion_window_in_days = 7
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid] == ["AccountAdministersKeyThroughIam"] && aws_kms_key.this.deletion_window_in_days == 7
    error_message = "Without service statements only the account administers the key; the window is the caller's."
  }
}

run "rejects_alias_in_the_aws_namespace" {
  command = plan

  variables {
    alias = "aws/logs"
  }

  expect_failures = [var.alias]
}

run "rejects_deletion_window_short" {
  command = plan

  variables {
    deletion_window_in_days = 6
  }

  expect_failures = [var.deletion_window_in_days]
}

run "rejects_a_wildcard_principal" {
  command = plan

  variables {
    service_statements = [{ Sid = "Anyone", Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*" }]
  }

  expect_failures = [var.service_statements]
}
