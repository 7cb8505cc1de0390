# Network isolation: ingress only from the load balancer, egress only HTTPS to what the service
# needs. checkov's CKV_AWS_382 misses an all-protocol rule to 0.0.0.0/0 on
# aws_vpc_security_group_egress_rule, so these asserts cover every rule the module can create.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "default_has_no_internet_egress" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.to_internet) == 0 && length(aws_vpc_security_group_egress_rule.to_cidr) == 0
    error_message = "By default the service must have no egress to any CIDR, let alone the internet."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.to_endpoints) == 0 && length(aws_vpc_security_group_egress_rule.to_s3) == 0
    error_message = "Without endpoints or prefix lists given there is nothing to reach."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_alb.referenced_security_group_id == var.alb_security_group_id && aws_vpc_security_group_ingress_rule.from_alb.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.from_alb.cidr_ipv6 == null
    error_message = "The only ingress must come from the load balancer's security group."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_alb.ip_protocol == "tcp" && aws_vpc_security_group_ingress_rule.from_alb.from_port == 8080 && aws_vpc_security_group_ingress_rule.from_alb.to_port == 8080
    error_message = "Ingress must be the container port only."
  }
  assert {
    condition     = one(aws_ecs_service.this.network_configuration).assign_public_ip == false
    error_message = "Tasks must never get a public IP."
  }
  assert {
    condition     = one(aws_ecs_service.this.network_configuration).subnets == toset(var.subnet_ids)
    error_message = "Tasks must run in the given private subnets."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.alb_to_service[0].security_group_id == var.alb_security_group_id && aws_vpc_security_group_egress_rule.alb_to_service[0].from_port == 8080 && aws_vpc_security_group_egress_rule.alb_to_service[0].to_port == 8080 && aws_vpc_security_group_egress_rule.alb_to_service[0].ip_protocol == "tcp"
    error_message = "The load balancer may reach the tasks on the container port only."
  }
}

run "egress_to_endpoints_s3_and_listed_cidrs" {
  command = plan

  variables {
    vpc_endpoint_security_group_ids = ["sg-0bbbbbbbbbbbbbbb2"]
    s3_prefix_list_ids              = ["pl-63a5400a"]
    egress_cidr_blocks              = ["203.0.113.0/24", "2001:db8::/48"]
  }

  assert {
    condition = alltrue([
      for r in concat(aws_vpc_security_group_egress_rule.to_endpoints, aws_vpc_security_group_egress_rule.to_s3, values(aws_vpc_security_group_egress_rule.to_cidr)) :
      r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443
    ])
    error_message = "Every egress rule of the service must be tcp/443 only."
  }
  assert {
    condition = alltrue([
      for r in concat(aws_vpc_security_group_egress_rule.to_endpoints, aws_vpc_security_group_egress_rule.to_s3, values(aws_vpc_security_group_egress_rule.to_cidr)) :
      r.cidr_ipv4 != "0.0.0.0/0" && r.cidr_ipv6 != "::/0"
    ])
    error_message = "No egress rule may reach the whole internet."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.to_endpoints[0].referenced_security_group_id == "sg-0bbbbbbbbbbbbbbb2"
    error_message = "The VPC endpoints must be reached by their security group."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.to_s3[0].prefix_list_id == "pl-63a5400a"
    error_message = "S3 must be reached by the gateway endpoint's prefix list."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.to_cidr["203.0.113.0/24"].cidr_ipv4 == "203.0.113.0/24" && aws_vpc_security_group_egress_rule.to_cidr["2001:db8::/48"].cidr_ipv6 == "2001:db8::/48"
    error_message = "Listed CIDRs must be reached exactly, IPv4 and IPv6."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.to_internet) == 0
    error_message = "Listing CIDRs must not open the internet."
  }
}

run "internet_egress_is_an_explicit_https_only_exception" {
  command = plan

  variables {
    allow_internet_egress = true
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.to_internet) == 1
    error_message = "allow_internet_egress must add exactly one rule."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.to_internet[0].cidr_ipv4 == "0.0.0.0/0" && aws_vpc_security_group_egress_rule.to_internet[0].ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.to_internet[0].from_port == 443 && aws_vpc_security_group_egress_rule.to_internet[0].to_port == 443
    error_message = "Even the internet exception must be HTTPS only, never all protocols."
  }
}

run "alb_egress_rule_can_be_left_to_the_owner" {
  command = plan

  variables {
    create_alb_egress_rule = false
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.alb_to_service) == 0
    error_message = "create_alb_egress_rule = false must leave the load balancer's group alone."
  }
}
