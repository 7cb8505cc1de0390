# One negative run per validation.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_uppercase" {
  command = plan

  variables {
    name = "Audit"
  }

  expect_failures = [var.name]
}

run "rejects_name_too_long_for_the_bucket" {
  command = plan

  variables {
    name = "quilt-mcp-with-a-name-far-too-long"
  }

  expect_failures = [var.name]
}

run "rejects_data_bucket_not_a_name" {
  command = plan

  variables {
    data_bucket_names = ["arn:aws:s3:::quilt-data"]
  }

  expect_failures = [var.data_bucket_names]
}

run "rejects_s3_data_events_unknown" {
  command = plan

  variables {
    s3_data_events = "none"
  }

  expect_failures = [var.s3_data_events]
}

run "rejects_log_retention_short" {
  command = plan

  variables {
    log_retention_in_days = 90
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_bucket_retention_short" {
  command = plan

  variables {
    bucket_retention_in_days = 364
  }

  expect_failures = [var.bucket_retention_in_days]
}

run "rejects_access_logs_bucket_not_a_name" {
  command = plan

  variables {
    access_logs_bucket = "s3://logs"
  }

  expect_failures = [var.access_logs_bucket]
}

run "rejects_kms_deletion_window_short" {
  command = plan

  variables {
    kms_deletion_window_in_days = 6
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
