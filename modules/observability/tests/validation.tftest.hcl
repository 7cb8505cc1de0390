# One negative run per validation.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_with_space" {
  command = plan

  variables {
    name = "quilt mcp"
  }

  expect_failures = [var.name]
}

run "rejects_namespace_with_space" {
  command = plan

  variables {
    metrics_namespace = "Quilt MCP"
  }

  expect_failures = [var.metrics_namespace]
}

run "rejects_load_balancer_full_arn" {
  command = plan

  variables {
    load_balancer_arn_suffix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123"
  }

  expect_failures = [var.load_balancer_arn_suffix]
}

run "rejects_target_group_full_arn" {
  command = plan

  variables {
    target_group_arn_suffix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/0123"
  }

  expect_failures = [var.target_group_arn_suffix]
}

run "rejects_waf_name_with_space" {
  command = plan

  variables {
    waf_web_acl_name = "quilt mcp"
  }

  expect_failures = [var.waf_web_acl_name]
}

run "rejects_period_unsupported" {
  command = plan

  variables {
    period_seconds = 120
  }

  expect_failures = [var.period_seconds]
}

run "rejects_auth_rate_zero" {
  command = plan

  variables {
    auth_failure_rate_percent = 0
  }

  expect_failures = [var.auth_failure_rate_percent]
}

run "rejects_auth_rate_hundred" {
  command = plan

  variables {
    auth_failure_rate_percent = 100
  }

  expect_failures = [var.auth_failure_rate_percent]
}

run "rejects_auth_min_requests_zero" {
  command = plan

  variables {
    auth_failure_min_requests = 0
  }

  expect_failures = [var.auth_failure_min_requests]
}

run "rejects_target_5xx_negative" {
  command = plan

  variables {
    target_5xx_threshold = -1
  }

  expect_failures = [var.target_5xx_threshold]
}

run "rejects_sts_threshold_negative" {
  command = plan

  variables {
    sts_error_threshold = -1
  }

  expect_failures = [var.sts_error_threshold]
}

run "rejects_waf_threshold_zero" {
  command = plan

  variables {
    waf_blocked_threshold = 0
  }

  expect_failures = [var.waf_blocked_threshold]
}

run "rejects_email_malformed" {
  command = plan

  variables {
    alarm_email_addresses = ["oncall"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "rejects_kms_key_alias" {
  command = plan

  variables {
    kms_key_arn = "alias/alarms"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_deletion_window_short" {
  command = plan

  variables {
    kms_deletion_window_in_days = 1
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
