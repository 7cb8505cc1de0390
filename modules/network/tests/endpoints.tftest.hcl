# The endpoints that let the service run without internet egress, reachable only on 443 from the
# listed sources.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

# The endpoints' own group, distinct from the allowed source group of the shared mocks.
override_resource {
  target = aws_security_group.endpoints
  values = { id = "sg-0eeeeeeeeeeeeeee5" }
}

run "endpoints_for_every_needed_service" {
  command = plan

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sts", "secretsmanager", "kms", "logs", "ecr.api", "ecr.dkr", "athena", "glue"])
    error_message = "STS, Secrets Manager, KMS, Logs, ECR API/DKR, Athena and Glue need interface endpoints."
  }
  assert {
    condition     = alltrue([for s, e in aws_vpc_endpoint.interface : e.service_name == "com.amazonaws.us-east-1.${s}" && e.private_dns_enabled && e.vpc_endpoint_type == "Interface"])
    error_message = "Interface endpoints must use private DNS so the SDK's default endpoints resolve to them."
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : !contains(["ssmmessages"], split(".", e.service_name)[3])])
    error_message = "No ECS Exec (ssmmessages) endpoint."
  }
  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.us-east-1.s3" && aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0123456789abcdef0"])
    error_message = "S3 needs a gateway endpoint on the private route tables."
  }
}

run "endpoint_security_group_https_only" {
  command = plan

  variables {
    allowed_cidr_blocks = ["10.0.0.0/16"]
  }

  assert {
    condition     = alltrue([for r in concat(aws_vpc_security_group_ingress_rule.from_security_group, values(aws_vpc_security_group_ingress_rule.from_cidr)) : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443])
    error_message = "The endpoints may be reached on 443/tcp only."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_security_group[0].referenced_security_group_id == "sg-0aaaaaaaaaaaaaaa1" && aws_vpc_security_group_ingress_rule.from_cidr["10.0.0.0/16"].cidr_ipv4 == "10.0.0.0/16"
    error_message = "Exactly the listed sources may reach the endpoints."
  }
}

run "outputs_for_the_service" {
  assert {
    condition     = output.s3_prefix_list_id == "pl-63a5400a" && output.security_group_id == "sg-0eeeeeeeeeeeeeee5"
    error_message = "The prefix list and security group must be exported for modules/mcp-server."
  }
}

run "restricted_s3_endpoint_policy" {
  command = plan

  variables {
    s3_endpoint_policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*\"}]}"
  }

  assert {
    condition     = jsondecode(aws_vpc_endpoint.s3[0].policy).Statement[0].Resource == "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"
    error_message = "A given endpoint policy must be applied."
  }
}
