# tflint configuration for every module and example (make lint runs it per directory where tflint
# is installed; CI installs it). Recommended preset, every module call inspected, and the AWS
# ruleset with the rules that keep these modules reviewable.
config {
  call_module_type = "local"
  force            = false
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.44.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"

  # Validate instance types, regions and the like against the AWS API definitions only; never
  # call AWS (no credentials in CI).
  deep_check = false
}

# Inline ingress/egress blocks on aws_security_group hide rules from review and fight with
# separate rule resources: every rule is an aws_vpc_security_group_{ingress,egress}_rule.
rule "aws_security_group_inline_rules" {
  enabled = true
}

# aws_security_group_rule is superseded by the per-rule VPC resources used here.
rule "aws_security_group_rule_deprecated" {
  enabled = true
}

# inline_policy / managed_policy_arns on aws_iam_role: policies are separate resources.
rule "aws_iam_role_deprecated_policy_attributes" {
  enabled = true
}

rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_typed_variables" {
  enabled = true
}

rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}

rule "terraform_standard_module_structure" {
  enabled = true
}

rule "terraform_unused_declarations" {
  enabled = true
}

rule "terraform_required_version" {
  enabled = true
}

rule "terraform_required_providers" {
  enabled = true
}
