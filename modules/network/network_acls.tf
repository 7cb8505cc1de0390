# Optional network ACLs (create_network_acls), a stateless second layer that mirrors the security
# groups: the load balancer's subnets take the listener ports from the allowed ranges, the task
# subnets take the container port from the load balancer's subnets and send HTTPS out (interface
# endpoints, the S3 gateway endpoint, a NAT gateway). Network ACLs do not track connections, so
# every allowed flow also needs its return rule on ephemeral ports. Traffic to the VPC's DNS
# resolver (the .2 address) and the instance metadata service is never filtered by network ACLs.

locals {
  # Ephemeral ports of the clients the ACLs answer: the load balancer and NAT gateways use
  # 1024-65535 (AWS documents that range for them); the tasks' own sockets (Linux, Fargate) use
  # 32768-60999, so the return traffic of their HTTPS calls needs only 32768-65535.
  lb_ephemeral   = { from = 1024, to = 65535 }
  task_ephemeral = { from = 32768, to = 65535 }

  # The task subnets' ranges plus where the tasks' HTTPS goes: replies to their calls come back
  # from both (interface endpoint interfaces in another task subnet, S3, a NAT gateway).
  task_return_sources = distinct(concat(var.task_egress_cidr_blocks, var.task_subnet_cidr_blocks))

  # A network ACL holds 20 inbound and 20 outbound rules unless the quota was raised.
  nacl_rule_quota = 20

  # One entry per rule: key => { acl, egress, number, from, to, cidr, why }. Rule numbers: 100s
  # for the main flow, 200s and 300s for the others, the index of the range added.
  alb_rules = !var.create_network_acls ? {} : merge(
    merge([for p_i, port in var.alb_listener_ports : {
      for c_i, cidr in var.alb_ingress_cidr_blocks : "alb-in-${port}-${cidr}" => {
        egress = false, number = 100 + p_i * 20 + c_i, from = port, to = port, cidr = cidr
      }
    }]...),
    { for i, cidr in var.task_subnet_cidr_blocks : "alb-in-return-${cidr}" => {
      egress = false, number = 200 + i, from = local.lb_ephemeral.from, to = local.lb_ephemeral.to, cidr = cidr
    } },
    { for i, cidr in var.task_subnet_cidr_blocks : "alb-out-${cidr}" => {
      egress = true, number = 100 + i, from = var.container_port, to = var.container_port, cidr = cidr
    } },
    { for i, cidr in var.alb_ingress_cidr_blocks : "alb-out-return-${cidr}" => {
      egress = true, number = 200 + i, from = local.lb_ephemeral.from, to = local.lb_ephemeral.to, cidr = cidr
    } },
  )

  task_rules = !var.create_network_acls ? {} : merge(
    { for i, cidr in var.alb_subnet_cidr_blocks : "task-in-${cidr}" => {
      egress = false, number = 100 + i, from = var.container_port, to = var.container_port, cidr = cidr
    } },
    # The interface endpoints' network interfaces live in these subnets: HTTPS from the tasks of
    # the other task subnets (within one subnet no network ACL applies).
    { for i, cidr in var.task_subnet_cidr_blocks : "task-in-endpoints-${cidr}" => {
      egress = false, number = 200 + i, from = 443, to = 443, cidr = cidr
    } },
    { for i, cidr in local.task_return_sources : "task-in-return-${cidr}" => {
      egress = false, number = 300 + i, from = local.task_ephemeral.from, to = local.task_ephemeral.to, cidr = cidr
    } },
    { for i, cidr in var.alb_subnet_cidr_blocks : "task-out-return-${cidr}" => {
      egress = true, number = 100 + i, from = local.lb_ephemeral.from, to = local.lb_ephemeral.to, cidr = cidr
    } },
    { for i, cidr in var.task_egress_cidr_blocks : "task-out-https-${cidr}" => {
      egress = true, number = 200 + i, from = 443, to = 443, cidr = cidr
    } },
    # Replies of the interface endpoints to tasks in the other task subnets.
    { for i, cidr in var.task_subnet_cidr_blocks : "task-out-endpoint-return-${cidr}" => {
      egress = true, number = 300 + i, from = local.task_ephemeral.from, to = local.task_ephemeral.to, cidr = cidr
    } },
  )
}

resource "aws_network_acl" "alb" {
  #checkov:skip=CKV2_AWS_1:The ACL is attached to the subnets given in alb_subnet_ids (subnet_ids below; tests/network_acls.tftest.hcl asserts it); the subnets are not resources of this module, and checkov only accepts a connection to an aws_subnet resource.
  count = var.create_network_acls ? 1 : 0

  vpc_id     = var.vpc_id
  subnet_ids = var.alb_subnet_ids
  tags       = merge(local.tags, { Name = "${var.name}-alb" })

  lifecycle {
    precondition {
      condition     = length(var.alb_subnet_ids) > 0 && length(var.alb_subnet_cidr_blocks) > 0 && length(var.alb_ingress_cidr_blocks) > 0 && length(var.task_subnet_cidr_blocks) > 0
      error_message = "create_network_acls needs alb_subnet_ids, alb_subnet_cidr_blocks, alb_ingress_cidr_blocks and task_subnet_cidr_blocks."
    }
    precondition {
      condition     = max(length([for r in local.alb_rules : r if !r.egress]), length([for r in local.alb_rules : r if r.egress])) <= local.nacl_rule_quota
      error_message = "The load balancer's network ACL would exceed 20 rules in one direction (listener ports x alb_ingress_cidr_blocks + task_subnet_cidr_blocks): list fewer ranges."
    }
  }
}

resource "aws_network_acl" "tasks" {
  #checkov:skip=CKV2_AWS_1:The ACL is attached to the subnets given in subnet_ids (subnet_ids below; tests/network_acls.tftest.hcl asserts it); the subnets are not resources of this module, and checkov only accepts a connection to an aws_subnet resource.
  count = var.create_network_acls ? 1 : 0

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids
  tags       = merge(local.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    precondition {
      condition     = max(length([for r in local.task_rules : r if !r.egress]), length([for r in local.task_rules : r if r.egress])) <= local.nacl_rule_quota
      error_message = "The task subnets' network ACL would exceed 20 rules in one direction: list fewer ranges."
    }
  }
}

resource "aws_network_acl_rule" "alb" {
  for_each = local.alb_rules

  network_acl_id = aws_network_acl.alb[0].id
  egress         = each.value.egress
  rule_number    = each.value.number
  rule_action    = "allow"
  protocol       = "tcp"
  from_port      = each.value.from
  to_port        = each.value.to
  cidr_block     = each.value.cidr
}

resource "aws_network_acl_rule" "tasks" {
  for_each = local.task_rules

  network_acl_id = aws_network_acl.tasks[0].id
  egress         = each.value.egress
  rule_number    = each.value.number
  rule_action    = "allow"
  protocol       = "tcp"
  from_port      = each.value.from
  to_port        = each.value.to
  cidr_block     = each.value.cidr
}
