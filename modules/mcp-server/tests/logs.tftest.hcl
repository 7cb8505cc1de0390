# Logs and cluster: KMS-encrypted log group with at least a year of retention, Container
# Insights, ECS Exec off on the service and encrypted logging should a session ever run.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "log_group_encrypted_with_created_key" {
  variables {
    log_retention_in_days = 731
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.logs_key[0].arn && aws_cloudwatch_log_group.this.retention_in_days == 731
    error_message = "The log group must use the module's CMK and the requested retention."
  }
  assert {
    condition     = module.logs_key[0].rotation_enabled == true && module.logs_key[0].deletion_window_in_days == 30
    error_message = "The created key must rotate and have the full deletion window."
  }
  assert {
    condition = one([for s in jsondecode(module.logs_key[0].policy).Statement : s if s.Sid == "CloudWatchLogsOfThisServiceOnly"]).Condition == {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/quilt-mcp" }
    }
    error_message = "CloudWatch Logs may use the key only for this service's log group."
  }
  assert {
    condition     = alltrue([for s in jsondecode(module.logs_key[0].policy).Statement : s.Principal != "*" && try(s.Principal.AWS, "") != "*"])
    error_message = "The key policy must not have a wildcard principal."
  }
}

run "default_retention_is_a_year" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "Default retention must be 365 days."
  }
}

run "given_key_is_used_and_none_created" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  }

  assert {
    condition     = length(module.logs_key) == 0 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "A given key must be used instead of creating one."
  }
}

run "cluster_insights_and_exec_logging" {
  command = plan

  assert {
    condition     = one([for s in aws_ecs_cluster.this[0].setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be on."
  }
  assert {
    condition     = one(one(aws_ecs_cluster.this[0].configuration).execute_command_configuration).logging == "OVERRIDE" && one(one(one(aws_ecs_cluster.this[0].configuration).execute_command_configuration).log_configuration).cloud_watch_encryption_enabled == true
    error_message = "ECS Exec sessions, if any, must be logged encrypted."
  }
  assert {
    condition     = aws_ecs_service.this.enable_execute_command == false
    error_message = "ECS Exec must be off."
  }
}
