# The alarms read the metric names, dimensions, client types and outcomes of the server's
# telemetry catalog (catalog.tf, generated from server/telemetry/catalog.json) and notify the
# encrypted topic.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  waf_web_acl_name = "quilt-mcp"
}

run "auth_failure_rate_per_client_type" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.auth_failure_rate)) == toset(local.telemetry_catalog.client_types) && length(local.telemetry_catalog.client_types) > 0
    error_message = "One failure-rate alarm per client type of the catalog."
  }
  assert {
    condition = alltrue([
      for c, a in aws_cloudwatch_metric_alarm.auth_failure_rate : toset([for q in a.metric_query : "${q.metric[0].metric_name} ${q.metric[0].dimensions["ClientType"]} ${q.metric[0].namespace}" if length(q.metric) > 0]) == toset(["AuthFailure ${c} QuiltMCP", "AuthSuccess ${c} QuiltMCP"])
    ])
    error_message = "The rate must be computed from AuthFailure and AuthSuccess of that client type in the server's namespace."
  }
  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.auth_failure_rate : one([for q in a.metric_query : q.expression if q.return_data == true]) == "IF(attempts >= 20, 100 * FILL(failures, 0) / attempts, 0)"
    ])
    error_message = "The alarm must judge the failure percentage (with a minimum volume)."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.auth_failure_rate : a.threshold == 1 && a.comparison_operator == "GreaterThanThreshold"])
    error_message = "The alarm must fire above 1 %."
  }
}

run "service_alarms_use_catalog_names" {
  command = plan

  assert {
    condition     = toset([for q in aws_cloudwatch_metric_alarm.context_failure.metric_query : q.metric[0].metric_name if length(q.metric) > 0]) == toset(["ContextFailure"]) && length([for q in aws_cloudwatch_metric_alarm.context_failure.metric_query : q if length(q.metric) > 0]) == length(local.telemetry_catalog.client_types)
    error_message = "ContextFailure must be summed over every client type."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.context_failure.threshold == 0 && aws_cloudwatch_metric_alarm.context_failure.comparison_operator == "GreaterThanThreshold"
    error_message = "Any context failure must alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.sts_assume_errors.metric_name == "StsAssume" && aws_cloudwatch_metric_alarm.sts_assume_errors.dimensions == tomap({ Outcome = "error" }) && aws_cloudwatch_metric_alarm.sts_assume_errors.namespace == "QuiltMCP"
    error_message = "STS failures are StsAssume with Outcome=error."
  }
  assert {
    condition     = contains(keys(local.telemetry_catalog.metrics), "StsAssume") && contains(keys(local.telemetry_catalog.metrics), "ContextFailure") && contains(local.telemetry_catalog.outcomes, "error")
    error_message = "The alarmed names must exist in the catalog."
  }
}

run "load_balancer_and_waf_alarms" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.target_5xx.metric_name == "HTTPCode_Target_5XX_Count" && aws_cloudwatch_metric_alarm.target_5xx.dimensions == tomap({ LoadBalancer = var.load_balancer_arn_suffix, TargetGroup = var.target_group_arn_suffix })
    error_message = "5xx must be measured on the service's target group."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.unhealthy_hosts.metric_name == "UnHealthyHostCount" && aws_cloudwatch_metric_alarm.unhealthy_hosts.threshold == 0
    error_message = "Any unhealthy host must alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.waf_blocked_spike[0].namespace == "AWS/WAFV2" && aws_cloudwatch_metric_alarm.waf_blocked_spike[0].metric_name == "BlockedRequests" && aws_cloudwatch_metric_alarm.waf_blocked_spike[0].dimensions == tomap({ WebACL = "quilt-mcp", Region = "us-east-1", Rule = "ALL" })
    error_message = "WAF blocks must be watched on the web ACL."
  }
  assert {
    condition     = jsonencode(output.deployment_alarm_names) == jsonencode(["quilt-mcp-target-5xx", "quilt-mcp-unhealthy-hosts", "quilt-mcp-context-failure"])
    error_message = "The rollback alarms must be exported by name."
  }
}

run "every_alarm_notifies_the_topic" {
  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.auth_failure_rate), [aws_cloudwatch_metric_alarm.target_5xx, aws_cloudwatch_metric_alarm.unhealthy_hosts, aws_cloudwatch_metric_alarm.context_failure, aws_cloudwatch_metric_alarm.sts_assume_errors], aws_cloudwatch_metric_alarm.waf_blocked_spike) :
      a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.actions_enabled
    ])
    error_message = "Every alarm must notify the alarm topic."
  }
  assert {
    condition     = length(output.alarm_arns) == length(local.telemetry_catalog.client_types) + 5
    error_message = "alarm_arns must export every alarm."
  }
}

run "no_waf_alarm_without_waf" {
  command = plan

  variables {
    waf_web_acl_name = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.waf_blocked_spike) == 0
    error_message = "Without a web ACL there is no WAF alarm."
  }
}

run "custom_namespace_follows_the_server" {
  command = plan

  variables {
    metrics_namespace = "Acme/QuiltMCP"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.sts_assume_errors.namespace == "Acme/QuiltMCP"
    error_message = "The alarms must read the namespace the server was configured with."
  }
}
