data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region     = coalesce(var.aws_region, data.aws_region.current.id)
  account_id = data.aws_caller_identity.current.account_id

  # Host and path of the public URL make the listener rule; the OAuth metadata routes (RFC 9728)
  # must reach the server too, or clients cannot discover the authorization server.
  public_host = lower(regex("^https://([^/:]+)", var.public_url)[0])
  mcp_path    = regex("^https://[^/]+(/.*)$", var.public_url)[0]
  route_paths = [
    local.mcp_path,
    "${local.mcp_path}/*",
    "/.well-known/oauth-protected-resource",
    "/.well-known/oauth-protected-resource/*",
  ]

  load_balancer_arn_suffix = regex("listener/(app/[^/]+/[0-9a-f]+)/", var.listener_arn)[0]

  cluster_arn  = var.create_cluster ? aws_ecs_cluster.this[0].arn : var.cluster_arn
  cluster_name = var.create_cluster ? aws_ecs_cluster.this[0].name : try(regex("cluster/(.+)$", var.cluster_arn)[0], "")

  log_group_name = "/ecs/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${data.aws_region.current.id}:${local.account_id}:log-group:${local.log_group_name}"
  kms_key_arn    = var.kms_key_arn != null ? var.kms_key_arn : module.logs_key[0].arn

  container_name = "quilt-mcp"

  container_definition = {
    name      = local.container_name
    image     = var.container_image
    essential = true
    user      = var.container_user
    # Hardening the scanners only partly see (CKV_AWS_334 reads `privilege`, not `privileged`):
    # tests/container.tftest.hcl asserts each of these.
    readonlyRootFilesystem = true
    privileged             = false
    linuxParameters = {
      initProcessEnabled = true
      capabilities = {
        add  = []
        drop = ["ALL"]
      }
    }
    portMappings = [{
      containerPort = var.port
      protocol      = "tcp"
    }]
    environment = [for k in sort(keys(local.container_environment)) : { name = k, value = local.container_environment[k] }]
    secrets     = [for k in sort(keys(local.container_secrets)) : { name = k, valueFrom = local.container_secrets[k] }]
    healthCheck = {
      command     = ["CMD", var.healthcheck_binary, "healthcheck"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 15
    }
    stopTimeout = var.stop_timeout
    mountPoints = []
    volumesFrom = []
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = local.log_group_name
        awslogs-region        = data.aws_region.current.id
        awslogs-stream-prefix = "mcp"
        mode                  = "non-blocking"
        max-buffer-size       = "25m"
      }
    }
  }

  tags = merge(var.tags, { "quilt-mcp:component" = "mcp-server" })
}

# --- KMS key for logs (unless one is given) --------------------------------------------------

module "logs_key" {
  source = "../kms-key"
  count  = var.kms_key_arn == null ? 1 : 0

  alias                   = "${var.name}-logs"
  description             = "${var.name}: CloudWatch Logs of the MCP service and its ECS Exec sessions"
  deletion_window_in_days = var.kms_deletion_window_in_days
  log_group               = { arn = local.log_group_arn, sid = "CloudWatchLogsOfThisServiceOnly" }
  tags                    = local.tags
}

# The key and alias were resources of this module before modules/kms-key: keep them in place.
moved {
  from = aws_kms_key.this[0]
  to   = module.logs_key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.logs_key[0].aws_kms_alias.this
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = local.kms_key_arn
  tags              = local.tags
}

# --- cluster ---------------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  count = var.create_cluster ? 1 : 0

  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  # ECS Exec is off on the service (it cannot work with a read-only root filesystem); should a
  # cluster-level session ever be opened, its output is still logged and encrypted.
  configuration {
    execute_command_configuration {
      kms_key_id = local.kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.this.name
      }
    }
  }

  tags = local.tags
}

# --- task definition and service -------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = jsonencode([local.container_definition])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = var.drain_timeout_seconds < var.stop_timeout
      error_message = "drain_timeout_seconds must be below stop_timeout, or ECS kills the server before in-flight requests finish."
    }
    precondition {
      condition     = var.auth_jwks_url != null || var.create_hs256_secret || var.auth_hs256_secret_value_from != null || var.auth_hs256_secret_arn != null
      error_message = "The server needs a token verifier: set auth_jwks_url, or an HS256 secret (create_hs256_secret, auth_hs256_secret_value_from or auth_hs256_secret_arn)."
    }
    precondition {
      condition     = !(var.create_hs256_secret && var.auth_hs256_secret_value_from != null)
      error_message = "Set either create_hs256_secret or auth_hs256_secret_value_from, not both."
    }
    precondition {
      condition     = length(setintersection(keys(var.extra_secrets), ["QUILT_MCP_AUTH_HS256_SECRET", "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS"])) == 0
      error_message = "extra_secrets must not set the HS256 secrets: use create_hs256_secret or auth_hs256_secret_value_from / auth_hs256_secret_previous_value_from."
    }
    precondition {
      condition     = contains([for c in local.fargate_memory[tostring(var.cpu)] : c], var.memory)
      error_message = "memory is not a valid Fargate combination with cpu (see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html)."
    }
  }
}

locals {
  # Valid Fargate memory sizes (MiB) per CPU setting.
  fargate_memory = {
    "256"   = [512, 1024, 2048]
    "512"   = [for g in range(1, 5) : g * 1024]
    "1024"  = [for g in range(2, 9) : g * 1024]
    "2048"  = [for g in range(4, 17) : g * 1024]
    "4096"  = [for g in range(8, 31) : g * 1024]
    "8192"  = [for g in range(16, 61, 4) : g * 1024]
    "16384" = [for g in range(32, 121, 8) : g * 1024]
  }
}

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = local.cluster_arn
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  platform_version                  = var.platform_version
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  # Exec needs a writable root filesystem and opens a shell into the task: off, not configurable.
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  wait_for_steady_state              = false

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = var.port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "alarms" {
    for_each = length(var.deployment_alarm_names) > 0 ? [1] : []
    content {
      alarm_names = var.deployment_alarm_names
      enable      = true
      rollback    = true
    }
  }

  tags = local.tags

  lifecycle {
    # Autoscaling owns the task count after the first apply.
    ignore_changes = [desired_count]

    precondition {
      condition     = var.create_cluster || var.cluster_arn != null
      error_message = "Set create_cluster = true or give cluster_arn."
    }
  }

  depends_on = [aws_lb_listener_rule.this]
}

# --- load balancer routing -------------------------------------------------------------------

locals {
  # Opt-in TLS to the task (tls_certificate_value_from and tls_private_key_value_from).
  target_protocol = var.tls_certificate_value_from != null ? "HTTPS" : "HTTP"
}

resource "aws_lb_target_group" "this" {
  # HTTP to the task by default: TLS terminates at the HTTPS-only ALB and the hop stays inside the
  # VPC, from the ALB security group only; tls_certificate_value_from/tls_private_key_value_from
  # switch it to HTTPS. No checkov skip: checkov cannot evaluate local.target_protocol and passes
  # CKV_AWS_378 either way, so tests/target_tls.tftest.hcl pins both cases instead.
  name                 = var.name
  port                 = var.port
  protocol             = local.target_protocol
  protocol_version     = "HTTP1"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    path                = "/healthz"
    port                = "traffic-port"
    protocol            = local.target_protocol
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = (var.tls_certificate_value_from == null) == (var.tls_private_key_value_from == null)
      error_message = "tls_certificate_value_from and tls_private_key_value_from go together (HTTPS to the task needs both)."
    }
  }
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    host_header {
      values = [local.public_host]
    }
  }

  condition {
    path_pattern {
      values = local.route_paths
    }
  }

  tags = local.tags
}

# --- security groups -------------------------------------------------------------------------

resource "aws_security_group" "service" {
  name_prefix = "${var.name}-service-"
  description = "quilt-mcp tasks: ingress from the load balancer only; egress 443 to VPC endpoints, S3 and listed CIDRs"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-service" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "MCP traffic and health checks from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.alb_security_group_id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  count = var.create_alb_egress_rule ? 1 : 0

  security_group_id            = var.alb_security_group_id
  description                  = "Load balancer to the quilt-mcp tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = aws_security_group.service.id
  tags                         = local.tags
}

# count, not for_each: these IDs usually come from resources created in the same apply.
resource "aws_vpc_security_group_egress_rule" "to_endpoints" {
  count = length(var.vpc_endpoint_security_group_ids)

  security_group_id            = aws_security_group.service.id
  description                  = "HTTPS to VPC interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.vpc_endpoint_security_group_ids[count.index]
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "to_s3" {
  count = length(var.s3_prefix_list_ids)

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to S3 through the gateway endpoint (data and ECR image layers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_ids[count.index]
  tags              = local.tags
}

resource "aws_vpc_security_group_egress_rule" "to_cidr" {
  for_each = toset(var.egress_cidr_blocks)

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to an explicitly listed destination"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
  tags              = local.tags
}

resource "aws_vpc_security_group_egress_rule" "to_internet" {
  count = var.allow_internet_egress ? 1 : 0

  security_group_id = aws_security_group.service.id
  description       = "Conscious exception (allow_internet_egress): HTTPS to the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
}

# --- autoscaling -----------------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${local.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.autoscaling_min_capacity
  max_capacity       = var.autoscaling_max_capacity

  lifecycle {
    precondition {
      condition     = var.autoscaling_min_capacity <= var.autoscaling_max_capacity
      error_message = "autoscaling_min_capacity must not exceed autoscaling_max_capacity."
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${local.load_balancer_arn_suffix}/${aws_lb_target_group.this.arn_suffix}"
    }
  }
}
