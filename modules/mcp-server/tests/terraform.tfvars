# Inputs every test file of this module starts from (terraform test reads tests/terraform.tfvars);
# a file or run block sets what it tests on top.
vpc_id                = "vpc-0123456789abcdef0"
subnet_ids            = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
listener_arn          = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mcp/0123456789abcdef/0123456789abcdef"
alb_security_group_id = "sg-0123456789abcdef0"
container_image       = "123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp@sha256:0000000000000000000000000000000000000000000000000000000000000000"
public_url            = "https://mcp.example.com/mcp"
auth_issuer           = "https://issuer.example.com/"
auth_jwks_url         = "https://issuer.example.com/.well-known/jwks.json"
allowed_role_arns     = ["arn:aws:iam::123456789012:role/quilt-mcp-data-*"]
