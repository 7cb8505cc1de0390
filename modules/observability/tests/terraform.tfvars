# Inputs every test file of this module starts from (terraform test reads tests/terraform.tfvars);
# a file or run block sets what it tests on top.
load_balancer_arn_suffix = "app/quilt-mcp/0123456789abcdef"
target_group_arn_suffix  = "targetgroup/quilt-mcp/0123456789abcdef"
