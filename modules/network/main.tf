data "aws_region" "current" {}

locals {
  # `id` is the region name in provider 5.x and 6.x alike (`name` is deprecated in 6.x).
  region = data.aws_region.current.id
  tags   = merge(var.tags, { "quilt-mcp:component" = "network" })
}

resource "aws_security_group" "endpoints" {
  name_prefix = "${var.name}-endpoints-"
  description = "quilt-mcp VPC interface endpoints: HTTPS from the listed sources only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-endpoints" })

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = length(var.allowed_security_group_ids) + length(var.allowed_cidr_blocks) > 0
      error_message = "Give allowed_security_group_ids (the service's security group) or allowed_cidr_blocks: an endpoint nobody may reach is useless."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_security_group" {
  count = length(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from an allowed security group"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_cidr" {
  for_each = toset(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from an allowed range"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
  tags              = local.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_services)

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${local.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = merge(local.tags, { Name = "${var.name}-${each.value}" })
}

resource "aws_vpc_endpoint" "s3" {
  count = var.create_s3_gateway_endpoint ? 1 : 0

  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids
  policy            = var.s3_endpoint_policy
  tags              = merge(local.tags, { Name = "${var.name}-s3" })

  lifecycle {
    precondition {
      condition     = length(var.route_table_ids) > 0
      error_message = "The S3 gateway endpoint needs route_table_ids (or set create_s3_gateway_endpoint = false)."
    }
  }
}
