# The web ACL's rules: managed rule sets (Known Bad Inputs blocking, Core rule set with only its
# body-size rule counted and re-blocked outside the MCP path), IP reputation and a per-IP rate limit.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "managed_rules_and_overrides" {
  command = plan

  assert {
    condition     = one(aws_wafv2_web_acl.this.default_action).allow != null && aws_wafv2_web_acl.this.scope == "REGIONAL"
    error_message = "A regional ACL that allows what no rule blocks."
  }
  assert {
    condition = toset([for r in aws_wafv2_web_acl.this.rule : r.name]) == toset([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesAnonymousIpList",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesCommonRuleSet",
      "BlockLargeBodiesOutsideMcpPath",
      "RateLimitPerIp",
      "RateLimitPerCaller",
    ])
    error_message = "The default rule set must be exactly IP reputation, Anonymous IP, Known Bad Inputs, Core, the body-size re-block and the two rate limits."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name]
      if r.name == "AWSManagedRulesAnonymousIpList"
    ]) == ["HostingProviderIPList"]
    error_message = "Anonymising services must be blocked, hosting providers only counted, by default."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : length(r.override_action[0].none) == 1
      if startswith(r.name, "AWSManagedRules")
    ])
    error_message = "Managed rule groups must act (override none), never only count."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : length(r.statement[0].managed_rule_group_statement[0].rule_action_override) == 0
      if r.name == "AWSManagedRulesKnownBadInputsRuleSet" || r.name == "AWSManagedRulesAmazonIpReputationList"
    ])
    error_message = "Known Bad Inputs (incl. Log4j) and IP reputation must block with no rule overridden."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : { name = o.name, count = length(o.action_to_use[0].count) }]
      if r.name == "AWSManagedRulesCommonRuleSet"
    ]) == [{ name = "SizeRestrictions_BODY", count = 1 }]
    error_message = "In the Core rule set only SizeRestrictions_BODY may be overridden, and only to count."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].and_statement[0].statement[0].label_match_statement[0].key
      if r.name == "BlockLargeBodiesOutsideMcpPath"
    ]) == "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
    error_message = "Large bodies must still be blocked by the Core rule set's label."
  }
  assert {
    condition = toset(one([
      for r in aws_wafv2_web_acl.this.rule : [
        for s in r.statement[0].and_statement[0].statement[1].not_statement[0].statement[0].or_statement[0].statement :
        "${s.byte_match_statement[0].positional_constraint} ${s.byte_match_statement[0].search_string}"
      ]
      if r.name == "BlockLargeBodiesOutsideMcpPath"
    ])) == toset(["EXACTLY /mcp", "STARTS_WITH /mcp/"])
    error_message = "The body-size exception must be scoped to the MCP path only."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : length(r.action[0].block) == 1
      if r.name == "BlockLargeBodiesOutsideMcpPath" || r.name == "RateLimitPerIp" || r.name == "RateLimitPerCaller"
    ])
    error_message = "The body-size and rate rules must block."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0]
      if r.name == "RateLimitPerIp"
    ]).limit == 2000
    error_message = "The rate limit must default to 2000 requests per IP."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.priority if r.name == "AWSManagedRulesCommonRuleSet"
    ]) < one([for r in aws_wafv2_web_acl.this.rule : r.priority if r.name == "BlockLargeBodiesOutsideMcpPath"])
    error_message = "The label rule must run after the Core rule set that sets the label."
  }
  assert {
    condition     = alltrue([for r in aws_wafv2_web_acl.this.rule : r.visibility_config[0].cloudwatch_metrics_enabled && r.visibility_config[0].sampled_requests_enabled])
    error_message = "Every rule must publish metrics and samples."
  }
}

run "rate_limit_per_caller" {
  command = plan

  variables {
    caller_rate_limit         = 600
    rate_limit_window_seconds = 60
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : {
        limit  = r.statement[0].rate_based_statement[0].limit
        type   = r.statement[0].rate_based_statement[0].aggregate_key_type
        window = r.statement[0].rate_based_statement[0].evaluation_window_sec
      }
      if r.name == "RateLimitPerCaller"
    ]) == { limit = 600, type = "CUSTOM_KEYS", window = 60 }
    error_message = "The per-caller rule must follow caller_rate_limit and the shared window, with custom keys."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : [
        for k in r.statement[0].rate_based_statement[0].custom_key : {
          name  = k.header[0].name
          other = length(k.ip) + length(k.forwarded_ip) + length(k.cookie) + length(k.query_argument) + length(k.uri_path)
          xform = [for t in k.header[0].text_transformation : t.type]
        }
      ]
      if r.name == "RateLimitPerCaller"
    ]) == [{ name = "authorization", other = 0, xform = ["NONE"] }]
    error_message = "The per-caller rule must be keyed on the Authorization header alone, untransformed (tokens are case-sensitive)."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].limit if r.name == "RateLimitPerIp"]) == 2000
    error_message = "The per-IP rule must stay beside the per-caller rule, with its own limit."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.visibility_config[0].metric_name if r.name == "RateLimitPerCaller"]) == "quiltmcpRateLimitPerCaller"
    error_message = "The per-caller rule must publish its own metric."
  }
}

run "custom_mcp_path" {
  command = plan

  variables {
    mcp_path = "/v1/mcp"
  }

  assert {
    condition = toset(one([
      for r in aws_wafv2_web_acl.this.rule : [
        for s in r.statement[0].and_statement[0].statement[1].not_statement[0].statement[0].or_statement[0].statement : s.byte_match_statement[0].search_string
      ]
      if r.name == "BlockLargeBodiesOutsideMcpPath"
    ])) == toset(["/v1/mcp", "/v1/mcp/"])
    error_message = "The exception must follow mcp_path."
  }
}

run "ip_allow_and_block_lists" {
  variables {
    allowed_ip_cidrs = ["203.0.113.0/24", "2001:db8::/32"]
    blocked_ip_cidrs = ["198.51.100.7/32"]
  }

  assert {
    condition     = aws_wafv2_ip_set.allowed_ipv4[0].addresses == toset(["203.0.113.0/24"]) && aws_wafv2_ip_set.allowed_ipv6[0].addresses == toset(["2001:db8::/32"])
    error_message = "The allow-list must be split by IP family."
  }
  assert {
    condition     = aws_wafv2_ip_set.blocked_ipv4[0].addresses == toset(["198.51.100.7/32"]) && length(aws_wafv2_ip_set.blocked_ipv6[0].addresses) == 0
    error_message = "The block-list must be split by IP family."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.priority if r.name == "BlockListedIps"]) == 0 && one([for r in aws_wafv2_web_acl.this.rule : r.priority if r.name == "BlockOutsideAllowList"]) == 1
    error_message = "IP lists must be evaluated before every other rule."
  }
  assert {
    condition     = length(one([for r in aws_wafv2_web_acl.this.rule : r.statement[0].not_statement if r.name == "BlockOutsideAllowList"])) == 1
    error_message = "The allow-list rule must block what is NOT in the list."
  }
}

run "anonymous_ip_actions" {
  command = plan

  variables {
    anonymous_ip_action        = "count"
    hosting_provider_ip_action = "block"
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name]
      if r.name == "AWSManagedRulesAnonymousIpList"
    ]) == ["AnonymousIPList"]
    error_message = "The actions of the Anonymous IP list's rules must follow the variables."
  }
}
