# One negative run per validation.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_uppercase" {
  command = plan

  variables {
    name = "WAF"
  }

  expect_failures = [var.name]
}

run "rejects_mcp_path_relative" {
  command = plan

  variables {
    mcp_path = "mcp"
  }

  expect_failures = [var.mcp_path]
}

run "rejects_mcp_path_trailing_slash" {
  command = plan

  variables {
    mcp_path = "/mcp/"
  }

  expect_failures = [var.mcp_path]
}

run "rejects_rate_limit_too_low" {
  command = plan

  variables {
    rate_limit = 99
  }

  expect_failures = [var.rate_limit]
}

run "rejects_caller_rate_limit_too_low" {
  command = plan

  variables {
    caller_rate_limit = 99
  }

  expect_failures = [var.caller_rate_limit]
}

run "rejects_caller_rate_limit_too_high" {
  command = plan

  variables {
    caller_rate_limit = 2000000001
  }

  expect_failures = [var.caller_rate_limit]
}

run "rejects_rate_window_unsupported" {
  command = plan

  variables {
    rate_limit_window_seconds = 30
  }

  expect_failures = [var.rate_limit_window_seconds]
}

run "rejects_allowed_cidr_invalid" {
  command = plan

  variables {
    allowed_ip_cidrs = ["203.0.113.0/33"]
  }

  expect_failures = [var.allowed_ip_cidrs]
}

run "rejects_blocked_cidr_invalid" {
  command = plan

  variables {
    blocked_ip_cidrs = ["not-a-cidr"]
  }

  expect_failures = [var.blocked_ip_cidrs]
}

run "rejects_redaction_without_authorization" {
  command = plan

  variables {
    redacted_headers = ["cookie"]
  }

  expect_failures = [var.redacted_headers]
}

run "rejects_redacted_header_invalid" {
  command = plan

  variables {
    redacted_headers = ["authorization", "bad header"]
  }

  expect_failures = [var.redacted_headers]
}

run "rejects_log_retention_short" {
  command = plan

  variables {
    log_retention_in_days = 90
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_kms_key_alias" {
  command = plan

  variables {
    kms_key_arn = "alias/waf"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_deletion_window_long" {
  command = plan

  variables {
    kms_deletion_window_in_days = 31
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_anonymous_ip_action_unknown" {
  command = plan

  variables {
    anonymous_ip_action = "allow"
  }

  expect_failures = [var.anonymous_ip_action]
}

run "rejects_hosting_provider_ip_action_unknown" {
  command = plan

  variables {
    hosting_provider_ip_action = "allow"
  }

  expect_failures = [var.hosting_provider_ip_action]
}
