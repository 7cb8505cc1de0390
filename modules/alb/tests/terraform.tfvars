# Inputs every test file of this module starts from (terraform test reads tests/terraform.tfvars);
# a file or run block sets what it tests on top.
internal            = false
vpc_id              = "vpc-0123456789abcdef0"
subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
certificate_arn     = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
ingress_cidr_blocks = ["0.0.0.0/0"]
web_acl_arn         = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/quilt-mcp/11111111-2222-3333-4444-555555555555"
