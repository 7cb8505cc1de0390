# Service, routing and scaling: deployment safety (circuit breaker, alarm rollback), the listener
# rule, the target group health check and both autoscaling policies.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "deployment_safety" {
  command = plan

  variables {
    deployment_alarm_names = ["quilt-mcp-target-5xx", "quilt-mcp-unhealthy-hosts"]
  }

  assert {
    condition     = one(aws_ecs_service.this.deployment_circuit_breaker).enable == true && one(aws_ecs_service.this.deployment_circuit_breaker).rollback == true
    error_message = "The deployment circuit breaker must roll back."
  }
  assert {
    condition     = one(aws_ecs_service.this.alarms).enable == true && one(aws_ecs_service.this.alarms).rollback == true && one(aws_ecs_service.this.alarms).alarm_names == toset(var.deployment_alarm_names)
    error_message = "The observability alarms must roll a deployment back."
  }
  assert {
    condition     = aws_ecs_service.this.launch_type == "FARGATE" && aws_ecs_service.this.platform_version == "LATEST"
    error_message = "The service must run on the latest Fargate platform."
  }
  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100
    error_message = "A deployment must not reduce capacity below the running tasks."
  }
}

run "no_alarm_block_without_alarms" {
  command = plan

  assert {
    condition     = length(aws_ecs_service.this.alarms) == 0
    error_message = "Without alarm names no alarm block may be sent (ECS rejects an empty one)."
  }
}

run "listener_rule_routes_mcp_and_metadata_for_the_host" {
  command = plan

  assert {
    condition     = aws_lb_listener_rule.this.listener_arn == var.listener_arn && aws_lb_listener_rule.this.priority == 100
    error_message = "The rule must sit on the given listener."
  }
  assert {
    condition     = toset(flatten([for c in aws_lb_listener_rule.this.condition : [for h in c.host_header : h.values]])) == toset(["mcp.example.com"])
    error_message = "The rule must match the public URL's host."
  }
  assert {
    condition     = toset(flatten([for c in aws_lb_listener_rule.this.condition : [for p in c.path_pattern : p.values]])) == toset(["/mcp", "/mcp/*", "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*"])
    error_message = "The rule must forward /mcp, /mcp/* and the RFC 9728 metadata routes, nothing else."
  }
  assert {
    condition     = one(aws_lb_listener_rule.this.action).type == "forward"
    error_message = "The rule must forward to the service's target group."
  }
}

run "target_group_health_check" {
  command = plan

  assert {
    condition     = aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.protocol == "HTTP" && aws_lb_target_group.this.port == 8080
    error_message = "Fargate tasks register by IP on the container port."
  }
  assert {
    condition     = one(aws_lb_target_group.this.health_check).path == "/healthz" && one(aws_lb_target_group.this.health_check).matcher == "200" && one(aws_lb_target_group.this.health_check).enabled == true
    error_message = "The target group must check /healthz for 200."
  }
}

run "autoscaling_on_cpu_and_requests" {
  command = plan

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 6
    error_message = "Autoscaling must keep at least two tasks."
  }
  assert {
    condition     = one(one(aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration).predefined_metric_specification).predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "One policy must track CPU."
  }
  assert {
    condition     = one(one(aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration).predefined_metric_specification).predefined_metric_type == "ALBRequestCountPerTarget"
    error_message = "One policy must track ALB requests per target."
  }
  assert {
    condition     = output.load_balancer_arn_suffix == "app/mcp/0123456789abcdef"
    error_message = "The load balancer suffix must come from the listener ARN."
  }
}

# Applied under mocks so the target group's ARN suffix is known: the request-count metric is the
# load balancer's and this target group's (resource label "app/…/…/targetgroup/…/…"), so the
# service scales on its own requests per task beside CPU.
run "request_count_scaling_tracks_this_target_group" {
  variables {
    autoscaling_cpu_target          = 55
    autoscaling_requests_per_target = 750
  }

  assert {
    condition     = one(one(aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration).predefined_metric_specification).resource_label == "app/mcp/0123456789abcdef/targetgroup/quilt-mcp/0123456789abcdef"
    error_message = "The request-count policy must name the load balancer and this target group by their ARN suffixes."
  }
  assert {
    condition     = one(aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration).target_value == 750 && one(aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration).target_value == 55
    error_message = "Both policies must follow their targets."
  }
  assert {
    condition     = aws_appautoscaling_policy.requests.resource_id == aws_appautoscaling_target.this.resource_id && aws_appautoscaling_policy.cpu.resource_id == aws_appautoscaling_target.this.resource_id
    error_message = "Both policies must scale the same service."
  }
}
