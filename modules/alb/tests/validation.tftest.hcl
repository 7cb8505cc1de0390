# One negative run per validation and precondition.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "rejects_name_uppercase" {
  command = plan

  variables {
    name = "ALB"
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

run "rejects_single_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_certificate_from_iam" {
  command = plan

  variables {
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/x"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_additional_certificate_malformed" {
  command = plan

  variables {
    additional_certificate_arns = ["cert"]
  }

  expect_failures = [var.additional_certificate_arns]
}

run "rejects_ssl_policy_tls12_only" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }

  expect_failures = [var.ssl_policy]
}

run "rejects_ssl_policy_tls13_allowing_tls10" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  }

  expect_failures = [var.ssl_policy]
}

run "rejects_ssl_policy_tls13_allowing_tls11" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-1-2021-06"
  }

  expect_failures = [var.ssl_policy]
}

run "rejects_ingress_cidr_invalid" {
  command = plan

  variables {
    ingress_cidr_blocks = ["10.0.0.0/33"]
  }

  expect_failures = [var.ingress_cidr_blocks]
}

run "rejects_ingress_cidr_ipv6_in_ipv4_list" {
  command = plan

  variables {
    ingress_cidr_blocks = ["::/0"]
  }

  expect_failures = [var.ingress_cidr_blocks]
}

run "rejects_ingress_ipv6_cidr_ipv4" {
  command = plan

  variables {
    ingress_ipv6_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.ingress_ipv6_cidr_blocks]
}

run "rejects_ingress_prefix_list_malformed" {
  command = plan

  variables {
    ingress_prefix_list_ids = ["sg-0123456789abcdef0"]
  }

  expect_failures = [var.ingress_prefix_list_ids]
}

run "rejects_ip_address_type_unknown" {
  command = plan

  variables {
    ip_address_type = "ipv6"
  }

  expect_failures = [var.ip_address_type]
}

run "rejects_idle_timeout_zero" {
  command = plan

  variables {
    idle_timeout = 0
  }

  expect_failures = [var.idle_timeout]
}

run "rejects_web_acl_cloudfront_scope" {
  command = plan

  variables {
    web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.web_acl_arn]
}

run "rejects_log_retention_short" {
  command = plan

  variables {
    access_logs_retention_days = 30
  }

  expect_failures = [var.access_logs_retention_days]
}

run "rejects_no_ingress_source" {
  command = plan

  variables {
    ingress_cidr_blocks = []
  }

  expect_failures = [aws_security_group.this]
}

run "rejects_waf_association_without_acl" {
  command = plan

  variables {
    web_acl_arn = null
  }

  expect_failures = [aws_wafv2_web_acl_association.this]
}

run "rejects_no_waf_without_opt_out" {
  command = plan

  variables {
    web_acl_arn       = null
    associate_web_acl = false
  }

  expect_failures = [aws_lb.this]
}
