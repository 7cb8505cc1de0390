# The alarm topic is KMS-encrypted and publishable only by this account's alarms; the dashboard
# shows every metric of the catalog.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  waf_web_acl_name = "quilt-mcp"
}

run "encrypted_topic" {
  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == module.kms_key[0].arn && module.kms_key[0].rotation_enabled
    error_message = "The topic must be encrypted with a rotating CMK."
  }
  assert {
    condition     = one([for s in jsondecode(module.kms_key[0].policy).Statement : s.Principal.Service if s.Sid == "CloudWatchAlarmsPublishToTheTopic"]) == "cloudwatch.amazonaws.com"
    error_message = "CloudWatch must be able to use the key, or encrypted alarms never arrive."
  }
  assert {
    condition     = toset(one([for s in jsondecode(module.kms_key[0].policy).Statement : s.Action if s.Sid == "CloudWatchAlarmsPublishToTheTopic"])) == toset(["kms:Decrypt", "kms:GenerateDataKey*"])
    error_message = "CloudWatch may only decrypt and generate data keys."
  }
  assert {
    condition     = one([for s in jsondecode(aws_sns_topic_policy.alarms.policy).Statement : s.Condition if s.Sid == "CloudWatchAlarmsOfThisAccount"]) == { StringEquals = { "aws:SourceAccount" = "123456789012" }, ArnLike = { "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" } }
    error_message = "Only this account's alarms may publish."
  }
}

run "dashboard_covers_the_catalog" {
  command = plan

  assert {
    condition = alltrue([
      for name in keys(local.telemetry_catalog.metrics) : anytrue([
        for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : try(strcontains(w.properties.metrics[0][0].expression, "MetricName=\"${name}\""), false)
      ])
    ])
    error_message = "Every metric of the catalog needs a dashboard graph."
  }
}

run "given_key" {
  command = plan

  variables {
    kms_key_arn           = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    alarm_email_addresses = ["oncall@example.com"]
  }

  assert {
    condition     = length(module.kms_key) == 0 && aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "A given key must be used."
  }
  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email"
    error_message = "Email subscribers must be subscribed."
  }
}
