# Optional network ACLs: off by default; when on, each subnet tier allows exactly the flows of the
# security groups (and their stateless returns), nothing wider.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  alb_subnet_ids          = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  alb_subnet_cidr_blocks  = ["10.0.0.0/24", "10.0.1.0/24"]
  task_subnet_cidr_blocks = ["10.0.10.0/24", "10.0.11.0/24"]
  alb_ingress_cidr_blocks = ["203.0.113.0/24"]
}

run "off_by_default" {
  command = plan

  assert {
    condition     = length(aws_network_acl.alb) == 0 && length(aws_network_acl.tasks) == 0 && length(aws_network_acl_rule.alb) == 0 && length(aws_network_acl_rule.tasks) == 0
    error_message = "No network ACL (and so no change of the subnets' current one) unless create_network_acls."
  }
  assert {
    condition     = output.network_acl_ids == null
    error_message = "No network ACL IDs when they are off."
  }
}

run "on_attaches_each_tier" {
  command = plan

  variables {
    create_network_acls = true
  }

  assert {
    condition     = aws_network_acl.alb[0].subnet_ids == toset(var.alb_subnet_ids) && aws_network_acl.tasks[0].subnet_ids == toset(var.subnet_ids)
    error_message = "The load balancer's ACL must hold its subnets, the tasks' ACL the task subnets."
  }
  assert {
    condition     = alltrue([for r in concat(values(aws_network_acl_rule.alb), values(aws_network_acl_rule.tasks)) : r.rule_action == "allow" && r.protocol == "tcp"])
    error_message = "Only TCP allow rules (the ACL's default rule denies the rest)."
  }
}

run "load_balancer_subnets" {
  command = plan

  variables {
    create_network_acls = true
    alb_listener_ports  = [443, 80]
  }

  assert {
    condition = toset([for r in aws_network_acl_rule.alb : "${r.from_port}-${r.to_port} ${r.cidr_block}" if !r.egress]) == toset([
      "443-443 203.0.113.0/24", "80-80 203.0.113.0/24",
      "1024-65535 10.0.10.0/24", "1024-65535 10.0.11.0/24",
    ])
    error_message = "In: the listener ports from the allowed ranges, and the targets' replies from the task subnets only."
  }
  assert {
    condition = toset([for r in aws_network_acl_rule.alb : "${r.from_port}-${r.to_port} ${r.cidr_block}" if r.egress]) == toset([
      "8080-8080 10.0.10.0/24", "8080-8080 10.0.11.0/24",
      "1024-65535 203.0.113.0/24",
    ])
    error_message = "Out: the container port to the task subnets, and replies to the allowed ranges only."
  }
  assert {
    condition     = length(distinct([for r in aws_network_acl_rule.alb : "${r.egress}/${r.rule_number}"])) == length(aws_network_acl_rule.alb)
    error_message = "Rule numbers must be unique per direction."
  }
}

run "task_subnets" {
  command = plan

  variables {
    create_network_acls = true
    container_port      = 9000
  }

  assert {
    condition = toset([for r in aws_network_acl_rule.tasks : "${r.from_port}-${r.to_port} ${r.cidr_block}" if !r.egress]) == toset([
      "9000-9000 10.0.0.0/24", "9000-9000 10.0.1.0/24",
      "443-443 10.0.10.0/24", "443-443 10.0.11.0/24",
      "32768-65535 0.0.0.0/0", "32768-65535 10.0.10.0/24", "32768-65535 10.0.11.0/24",
    ])
    error_message = "In: the container port from the load balancer's subnets only, HTTPS to the endpoints from the task subnets, and replies to the tasks' own calls on their ephemeral ports."
  }
  assert {
    condition = toset([for r in aws_network_acl_rule.tasks : "${r.from_port}-${r.to_port} ${r.cidr_block}" if r.egress]) == toset([
      "1024-65535 10.0.0.0/24", "1024-65535 10.0.1.0/24",
      "443-443 0.0.0.0/0",
      "32768-65535 10.0.10.0/24", "32768-65535 10.0.11.0/24",
    ])
    error_message = "Out: replies to the load balancer, HTTPS only, and the endpoints' replies to the other task subnets."
  }
  assert {
    condition     = length(distinct([for r in aws_network_acl_rule.tasks : "${r.egress}/${r.rule_number}"])) == length(aws_network_acl_rule.tasks)
    error_message = "Rule numbers must be unique per direction."
  }
}

run "narrower_task_egress" {
  command = plan

  variables {
    create_network_acls     = true
    task_egress_cidr_blocks = ["10.0.0.0/16", "198.51.100.0/24"]
  }

  assert {
    condition     = toset([for r in aws_network_acl_rule.tasks : r.cidr_block if r.egress && r.from_port == 443]) == toset(["10.0.0.0/16", "198.51.100.0/24"])
    error_message = "HTTPS out must follow task_egress_cidr_blocks."
  }
  assert {
    condition     = !contains([for r in aws_network_acl_rule.tasks : r.cidr_block], "0.0.0.0/0")
    error_message = "No rule may open to the internet once the egress ranges are narrowed."
  }
}

run "rejects_acls_without_their_ranges" {
  command = plan

  variables {
    create_network_acls     = true
    alb_ingress_cidr_blocks = []
  }

  expect_failures = [aws_network_acl.alb]
}

run "rejects_more_rules_than_the_quota" {
  command = plan

  variables {
    create_network_acls     = true
    alb_listener_ports      = [443, 80]
    alb_ingress_cidr_blocks = ["198.51.100.0/28", "198.51.100.16/28", "198.51.100.32/28", "198.51.100.48/28", "198.51.100.64/28", "198.51.100.80/28", "198.51.100.96/28", "198.51.100.112/28"]
    task_subnet_cidr_blocks = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24", "10.0.15.0/24"]
  }

  expect_failures = [aws_network_acl.alb]
}

run "rejects_more_task_rules_than_the_quota" {
  command = plan

  variables {
    create_network_acls     = true
    alb_subnet_cidr_blocks  = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"]
    task_subnet_cidr_blocks = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24", "10.0.15.0/24"]
    task_egress_cidr_blocks = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16"]
  }

  expect_failures = [aws_network_acl.tasks]
}
