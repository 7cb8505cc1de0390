# Alarms on the metrics the server emits (catalog.tf) and on the load balancer and WAF.

# Authentication failure rate per client type: metric math over AuthFailure and AuthSuccess.
resource "aws_cloudwatch_metric_alarm" "auth_failure_rate" {
  for_each = toset(local.clients)

  alarm_name          = "${var.name}-auth-failure-rate-${each.key}"
  alarm_description   = "More than ${var.auth_failure_rate_percent}% of ${each.key} authentication attempts failed (at least ${var.auth_failure_min_requests} attempts). Runbook: runbooks/auth-failure-rate.md."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.auth_failure_rate_percent
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id = "failures"

    metric {
      namespace   = local.namespace
      metric_name = local.metric.AuthFailure
      dimensions  = { (local.dimension.ClientType) = each.key }
      period      = var.period_seconds
      stat        = "Sum"
    }
  }

  metric_query {
    id = "successes"

    metric {
      namespace   = local.namespace
      metric_name = local.metric.AuthSuccess
      dimensions  = { (local.dimension.ClientType) = each.key }
      period      = var.period_seconds
      stat        = "Sum"
    }
  }

  metric_query {
    id          = "attempts"
    expression  = "FILL(failures, 0) + FILL(successes, 0)"
    label       = "Authentication attempts"
    return_data = false
  }

  metric_query {
    id          = "failure_rate"
    expression  = "IF(attempts >= ${var.auth_failure_min_requests}, 100 * FILL(failures, 0) / attempts, 0)"
    label       = "Authentication failure rate (%)"
    return_data = true
  }

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  alarm_name          = "${var.name}-target-5xx"
  alarm_description   = "The MCP tasks returned more than ${var.target_5xx_threshold} 5xx responses in ${var.period_seconds} s. Rolls a deployment back. Runbook: runbooks/rollback.md."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = local.alb_dimensions
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.target_5xx_threshold
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "${var.name}-unhealthy-hosts"
  alarm_description   = "A target of the MCP service failed its /healthz check for 2 minutes. Rolls a deployment back. Runbook: runbooks/health-validation.md."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.alb_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

# Any AWS access attempted outside a request context is a bug that failed closed.
resource "aws_cloudwatch_metric_alarm" "context_failure" {
  alarm_name          = "${var.name}-context-failure"
  alarm_description   = "Code asked for AWS access or identity outside a request context (refused, fail closed). Any occurrence is a defect. Rolls a deployment back. Runbook: runbooks/context-failure.md."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  dynamic "metric_query" {
    for_each = { for i, c in local.clients : "c${i}" => c }
    content {
      id = metric_query.key

      metric {
        namespace   = local.namespace
        metric_name = local.metric.ContextFailure
        dimensions  = { (local.dimension.ClientType) = metric_query.value }
        period      = var.period_seconds
        stat        = "Sum"
      }
    }
  }

  metric_query {
    id          = "context_failures"
    expression  = "SUM([${join(", ", [for i, c in local.clients : "FILL(c${i}, 0)"])}])"
    label       = "Context failures (all client types)"
    return_data = true
  }

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "sts_assume_errors" {
  alarm_name          = "${var.name}-sts-assume-errors"
  alarm_description   = "Per-user AssumeRole calls failed (trust policy, allow-list or session tags out of step). Runbook: runbooks/role-assumption-failures.md."
  namespace           = local.namespace
  metric_name         = local.metric.StsAssume
  dimensions          = { (local.dimension.Outcome) = local.outcome.error }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.sts_error_threshold
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "waf_blocked_spike" {
  count = var.waf_web_acl_name != null ? 1 : 0

  alarm_name          = "${var.name}-waf-blocked-spike"
  alarm_description   = "WAF blocked more than ${var.waf_blocked_threshold} requests in ${var.period_seconds} s: an attack, or a rule blocking legitimate MCP traffic. Runbook: runbooks/waf-false-positives.md."
  namespace           = "AWS/WAFV2"
  metric_name         = "BlockedRequests"
  dimensions          = { WebACL = var.waf_web_acl_name, Region = local.region, Rule = "ALL" }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.waf_blocked_threshold
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}
