# Load balancer hardening: header and desync protection, deletion protection, access logs, WAF.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "hardened_load_balancer" {
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true && aws_lb.this.desync_mitigation_mode == "strictest"
    error_message = "Invalid headers must be dropped and desync mitigation be strictest."
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection == true
    error_message = "Deletion protection must be on by default."
  }
  assert {
    condition     = aws_lb.this.enable_waf_fail_open == false
    error_message = "If WAF is unreachable requests must fail closed."
  }
  assert {
    condition     = one(aws_lb.this.access_logs).enabled == true && one(aws_lb.this.access_logs).bucket == "quilt-mcp-logs-123456789012-us-east-1"
    error_message = "Access logs must go to the module's bucket."
  }
  assert {
    condition     = one(aws_lb.this.connection_logs).enabled == true
    error_message = "Connection logs must be on."
  }
  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.load_balancer_type == "application"
    error_message = "internal must be exactly as chosen."
  }
  assert {
    condition     = aws_wafv2_web_acl_association.this[0].web_acl_arn == var.web_acl_arn
    error_message = "The web ACL must be associated with the load balancer."
  }
}

run "no_waf_is_a_conscious_exception" {
  command = plan

  variables {
    web_acl_arn       = null
    associate_web_acl = false
    allow_without_waf = true
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 0
    error_message = "associate_web_acl = false with allow_without_waf = true must skip the association."
  }
}

run "internal_load_balancer" {
  command = plan

  variables {
    internal            = true
    ingress_cidr_blocks = ["10.0.0.0/8"]
  }

  assert {
    condition     = aws_lb.this.internal == true
    error_message = "internal = true must create an internal load balancer."
  }
}
