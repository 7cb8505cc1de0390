# Listeners: HTTPS only with a TLS 1.3 policy, a 404 default, and port 80 only as a redirect.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "https_only_by_default" {
  command = plan

  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.port == 443
    error_message = "The listener must be HTTPS on 443."
  }
  assert {
    condition     = aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
    error_message = "The default TLS policy must be the restricted TLS 1.3 policy."
  }
  assert {
    condition     = one(aws_lb_listener.https.default_action).type == "fixed-response" && one(one(aws_lb_listener.https.default_action).fixed_response).status_code == "404"
    error_message = "Unrouted requests must get a 404, never reach a target."
  }
  assert {
    condition     = length(aws_lb_listener.http_redirect) == 0
    error_message = "No port-80 listener may exist unless asked for."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.listener : r.from_port == 443 && r.to_port == 443 && r.ip_protocol == "tcp"])
    error_message = "Only 443/tcp may be open by default."
  }
}

run "http_only_redirects" {
  command = plan

  variables {
    http_redirect = true
  }

  assert {
    condition     = aws_lb_listener.http_redirect[0].port == 80 && one(aws_lb_listener.http_redirect[0].default_action).type == "redirect"
    error_message = "Port 80 must only redirect."
  }
  assert {
    condition     = one(one(aws_lb_listener.http_redirect[0].default_action).redirect).protocol == "HTTPS" && one(one(aws_lb_listener.http_redirect[0].default_action).redirect).port == "443" && one(one(aws_lb_listener.http_redirect[0].default_action).redirect).status_code == "HTTP_301"
    error_message = "The redirect must be a permanent one to HTTPS on 443."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.listener : r.from_port]) == toset([443, 80])
    error_message = "With the redirect, 80 and 443 are open, nothing else."
  }
}

run "ingress_sources_exact" {
  command = plan

  variables {
    ingress_cidr_blocks      = ["10.0.0.0/8"]
    ingress_ipv6_cidr_blocks = ["2001:db8::/32"]
    ingress_prefix_list_ids  = ["pl-0123456789abcdef0"]
    ip_address_type          = "dualstack"
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.listener) == 3
    error_message = "One rule per source."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.listener["443 ipv4 10.0.0.0/8"].cidr_ipv4 == "10.0.0.0/8" && aws_vpc_security_group_ingress_rule.listener["443 ipv6 2001:db8::/32"].cidr_ipv6 == "2001:db8::/32" && aws_vpc_security_group_ingress_rule.listener["443 pl pl-0123456789abcdef0"].prefix_list_id == "pl-0123456789abcdef0"
    error_message = "Each source must be allowed exactly as given."
  }
}

run "additional_certificates" {
  command = plan

  variables {
    additional_certificate_arns = ["arn:aws:acm:us-east-1:123456789012:certificate/aaaaaaaa-2222-3333-4444-555555555555"]
  }

  assert {
    condition     = length(aws_lb_listener_certificate.additional) == 1
    error_message = "Additional certificates must be attached to the HTTPS listener."
  }
}
