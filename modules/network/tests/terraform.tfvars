# Inputs every test file of this module starts from (terraform test reads tests/terraform.tfvars);
# a file or run block sets what it tests on top.
vpc_id                     = "vpc-0123456789abcdef0"
subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
route_table_ids            = ["rtb-0123456789abcdef0"]
allowed_security_group_ids = ["sg-0aaaaaaaaaaaaaaa1"]
