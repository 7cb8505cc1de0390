# One negative run per validation and precondition.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_uppercase" {
  command = plan

  variables {
    name = "NET"
  }

  expect_failures = [var.name]
}

run "rejects_vpc_id_malformed" {
  command = plan

  variables {
    vpc_id = "vpc"
  }

  expect_failures = [var.vpc_id]
}

run "rejects_subnets_empty" {
  command = plan

  variables {
    subnet_ids = []
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_route_table_malformed" {
  command = plan

  variables {
    route_table_ids = ["rt-1"]
  }

  expect_failures = [var.route_table_ids]
}

run "rejects_unknown_service" {
  command = plan

  variables {
    interface_services = ["sts", "ssmmessages"]
  }

  expect_failures = [var.interface_services]
}

run "rejects_endpoint_policy_not_json" {
  command = plan

  variables {
    s3_endpoint_policy = "allow all"
  }

  expect_failures = [var.s3_endpoint_policy]
}

run "rejects_allowed_sg_malformed" {
  command = plan

  variables {
    allowed_security_group_ids = ["sg"]
  }

  expect_failures = [var.allowed_security_group_ids]
}

run "rejects_allowed_cidr_internet" {
  command = plan

  variables {
    allowed_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.allowed_cidr_blocks]
}

run "rejects_allowed_cidr_ipv6" {
  command = plan

  variables {
    allowed_cidr_blocks = ["2001:db8::/32"]
  }

  expect_failures = [var.allowed_cidr_blocks]
}

run "rejects_no_source" {
  command = plan

  variables {
    allowed_security_group_ids = []
  }

  expect_failures = [aws_security_group.endpoints]
}

run "rejects_s3_gateway_without_route_tables" {
  command = plan

  variables {
    route_table_ids = []
  }

  expect_failures = [aws_vpc_endpoint.s3]
}

run "rejects_alb_subnet_malformed" {
  command = plan

  variables {
    alb_subnet_ids = ["subnet-1"]
  }

  expect_failures = [var.alb_subnet_ids]
}

run "rejects_alb_subnet_cidr_open" {
  command = plan

  variables {
    alb_subnet_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.alb_subnet_cidr_blocks]
}

run "rejects_task_subnet_cidr_ipv6" {
  command = plan

  variables {
    task_subnet_cidr_blocks = ["2001:db8::/64"]
  }

  expect_failures = [var.task_subnet_cidr_blocks]
}

run "rejects_alb_ingress_cidr_invalid" {
  command = plan

  variables {
    alb_ingress_cidr_blocks = ["203.0.113.0/33"]
  }

  expect_failures = [var.alb_ingress_cidr_blocks]
}

run "rejects_alb_listener_port_other" {
  command = plan

  variables {
    alb_listener_ports = [443, 8443]
  }

  expect_failures = [var.alb_listener_ports]
}

run "rejects_container_port_zero" {
  command = plan

  variables {
    container_port = 0
  }

  expect_failures = [var.container_port]
}

run "rejects_task_egress_empty" {
  command = plan

  variables {
    task_egress_cidr_blocks = []
  }

  expect_failures = [var.task_egress_cidr_blocks]
}
