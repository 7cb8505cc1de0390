# Realistic values for what a mocked AWS provider would otherwise fill with random strings.
mock_data "aws_region" {
  defaults = {
    id   = "us-east-1"
    name = "us-east-1"
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id = "sg-0eeeeeeeeeeeeeee5"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    prefix_list_id = "pl-63a5400a"
  }
}
