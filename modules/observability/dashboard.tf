# One dashboard: a graph per metric of the catalog (every dimension set the server emits), then
# the load balancer and WAF.
locals {
  catalog_widgets = [
    for name, m in local.telemetry_catalog.metrics : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = "${name} (${m.unit})"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        stat    = name == "ToolLatency" ? "p99" : "Sum"
        period  = var.period_seconds
        # A SEARCH over the metric's first dimension set shows every client type, tool or outcome.
        metrics = [[{
          expression = "SEARCH('{${local.namespace}${length(m.dimensions[0]) > 0 ? ",${join(",", m.dimensions[0])}" : ""}} MetricName=\"${name}\"', '${name == "ToolLatency" ? "p99" : "Sum"}', ${var.period_seconds})"
          id         = "e_${lower(name)}"
          label      = name
        }]]
      }
    }
  ]

  alb_widgets = [
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "Load balancer: requests, target 5xx, unhealthy hosts"
        region = local.region
        view   = "timeSeries"
        period = var.period_seconds
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "Sum" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "Sum" }],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "Maximum" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "p99" }],
        ]
      }
    },
  ]

  waf_widgets = var.waf_web_acl_name == null ? [] : [
    {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "WAF: allowed and blocked requests"
        region = local.region
        view   = "timeSeries"
        period = var.period_seconds
        metrics = [
          ["AWS/WAFV2", "AllowedRequests", "WebACL", var.waf_web_acl_name, "Region", local.region, "Rule", "ALL", { stat = "Sum" }],
          ["AWS/WAFV2", "BlockedRequests", "WebACL", var.waf_web_acl_name, "Region", local.region, "Rule", "ALL", { stat = "Sum" }],
        ]
      }
    },
  ]

  alarm_widget = {
    type   = "alarm"
    width  = 24
    height = 4
    properties = {
      title  = "Alarms"
      alarms = values(local.alarm_arns)
    }
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat([local.alarm_widget], local.catalog_widgets, local.alb_widgets, local.waf_widgets)
  })
}
