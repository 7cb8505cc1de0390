locals {
  alarm_arns = merge(
    { for c, a in aws_cloudwatch_metric_alarm.auth_failure_rate : "auth-failure-rate-${c}" => a.arn },
    {
      target-5xx        = aws_cloudwatch_metric_alarm.target_5xx.arn
      unhealthy-hosts   = aws_cloudwatch_metric_alarm.unhealthy_hosts.arn
      context-failure   = aws_cloudwatch_metric_alarm.context_failure.arn
      sts-assume-errors = aws_cloudwatch_metric_alarm.sts_assume_errors.arn
    },
    { for a in aws_cloudwatch_metric_alarm.waf_blocked_spike : "waf-blocked-spike" => a.arn },
  )
}

output "sns_topic_arn" {
  description = "KMS-encrypted SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_arns" {
  description = "ARN of every alarm, by short name."
  value       = local.alarm_arns
}

output "deployment_alarm_names" {
  description = "Alarms that should roll an ECS deployment back (modules/mcp-server deployment_alarm_names): target 5xx, unhealthy hosts, context failures."
  value = [
    aws_cloudwatch_metric_alarm.target_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name,
    aws_cloudwatch_metric_alarm.context_failure.alarm_name,
  ]
}

output "deployment_alarm_arns" {
  description = "ARNs of the deployment rollback alarms."
  value = [
    aws_cloudwatch_metric_alarm.target_5xx.arn,
    aws_cloudwatch_metric_alarm.unhealthy_hosts.arn,
    aws_cloudwatch_metric_alarm.context_failure.arn,
  ]
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "metrics_namespace" {
  description = "Namespace the alarms read the server's metrics from."
  value       = local.namespace
}
