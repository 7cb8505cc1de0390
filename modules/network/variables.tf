variable "name" {
  description = "Prefix of the security group and endpoint names."
  type        = string
  nullable    = false
  default     = "quilt-mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,62}[a-z0-9]$", var.name))
    error_message = "name must be 3-64 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "vpc_id" {
  description = "VPC to add the endpoints to (DNS hostnames and DNS support must be on for private DNS)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets that get an interface endpoint network interface (one per Availability Zone)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be a non-empty list of subnet IDs (subnet-...)."
  }
}

variable "route_table_ids" {
  description = "Route tables of the private subnets, which get the S3 gateway endpoint route."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for r in var.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", r))])
    error_message = "route_table_ids must be route table IDs (rtb-...)."
  }
}

variable "interface_services" {
  description = "AWS services that get an interface endpoint: what the task needs without internet egress (STS, Secrets Manager, KMS, Logs, ECR API and registry, Athena, Glue; add ssm for SSM parameter secrets)."
  type        = list(string)
  nullable    = false
  default     = ["sts", "secretsmanager", "kms", "logs", "ecr.api", "ecr.dkr", "athena", "glue"]

  validation {
    condition     = alltrue([for s in var.interface_services : contains(["sts", "secretsmanager", "kms", "logs", "ecr.api", "ecr.dkr", "athena", "glue", "ssm", "monitoring", "elasticloadbalancing", "ecs", "ecs-agent", "ecs-telemetry"], s)])
    error_message = "interface_services must be among sts, secretsmanager, kms, logs, ecr.api, ecr.dkr, athena, glue, ssm, monitoring, elasticloadbalancing, ecs, ecs-agent, ecs-telemetry (ssmmessages is left out on purpose: it serves ECS Exec)."
  }
}

variable "create_s3_gateway_endpoint" {
  description = "Create the S3 gateway endpoint (S3 data and ECR image layers); needs route_table_ids."
  type        = bool
  nullable    = false
  default     = true
}

variable "s3_endpoint_policy" {
  description = "Policy JSON of the S3 gateway endpoint (e.g. limit it to your data buckets and the ECR layer bucket); null = full access, the AWS default."
  type        = string
  default     = null

  validation {
    condition     = var.s3_endpoint_policy == null || can(jsondecode(var.s3_endpoint_policy).Statement)
    error_message = "s3_endpoint_policy must be an IAM policy JSON document."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to reach the interface endpoints on 443 (modules/mcp-server output security_group_id)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for s in var.allowed_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "allowed_security_group_ids must be security group IDs (sg-...)."
  }
}

variable "allowed_cidr_blocks" {
  description = "IPv4 ranges allowed to reach the interface endpoints on 443 (e.g. the private subnets)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":") && (can(cidrhost(c, 0)) ? tonumber(split("/", c)[1]) >= 8 : true)])
    error_message = "allowed_cidr_blocks must be IPv4 CIDR blocks no wider than /8 (the endpoints serve the VPC, not the internet)."
  }
}

# --- optional network ACLs (network_acls.tf) --------------------------------------------------

variable "create_network_acls" {
  description = "Create network ACLs that mirror the security groups, for the load balancer's subnets (alb_subnet_ids) and the task subnets (subnet_ids): a stateless second layer some policies require. Off by default: the security groups already enforce the same flows, and a network ACL replaces the subnets' current one."
  type        = bool
  nullable    = false
  default     = false
}

variable "alb_subnet_ids" {
  description = "Subnets of the load balancer (create_network_acls)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for s in var.alb_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "alb_subnet_ids must be subnet IDs (subnet-...)."
  }
}

variable "alb_subnet_cidr_blocks" {
  description = "IPv4 ranges of the load balancer's subnets: the only sources of the container port in the task subnets (create_network_acls)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.alb_subnet_cidr_blocks) <= 6 && alltrue([for c in var.alb_subnet_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":") && c != "0.0.0.0/0"])
    error_message = "alb_subnet_cidr_blocks must be at most 6 IPv4 subnet ranges (not 0.0.0.0/0)."
  }
}

variable "task_subnet_cidr_blocks" {
  description = "IPv4 ranges of the task subnets (subnet_ids), where the load balancer sends requests and the interface endpoints live (create_network_acls)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.task_subnet_cidr_blocks) <= 6 && alltrue([for c in var.task_subnet_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":") && c != "0.0.0.0/0"])
    error_message = "task_subnet_cidr_blocks must be at most 6 IPv4 subnet ranges (not 0.0.0.0/0)."
  }
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 ranges allowed to reach the listeners through the load balancer's network ACL: the same as modules/alb ingress_cidr_blocks (create_network_acls)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.alb_ingress_cidr_blocks) <= 8 && alltrue([for c in var.alb_ingress_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":")])
    error_message = "alb_ingress_cidr_blocks must be at most 8 IPv4 CIDR blocks."
  }
}

variable "alb_listener_ports" {
  description = "Listener ports open in the load balancer's network ACL: 443, plus 80 when modules/alb http_redirect is on (create_network_acls)."
  type        = list(number)
  nullable    = false
  default     = [443]

  validation {
    condition     = length(var.alb_listener_ports) > 0 && alltrue([for p in var.alb_listener_ports : contains([443, 80], p)]) && length(distinct(var.alb_listener_ports)) == length(var.alb_listener_ports)
    error_message = "alb_listener_ports must be 443 and/or 80, each once."
  }
}

variable "container_port" {
  description = "Container port of the service (modules/mcp-server port): the only port the load balancer's subnets may reach in the task subnets (create_network_acls)."
  type        = number
  nullable    = false
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer between 1 and 65535."
  }
}

variable "task_egress_cidr_blocks" {
  description = "IPv4 ranges the tasks may send HTTPS to through their network ACL (interface endpoints, S3 through the gateway endpoint, a NAT gateway for the identity provider); the security group narrows it further (create_network_acls)."
  type        = list(string)
  nullable    = false
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.task_egress_cidr_blocks) > 0 && length(var.task_egress_cidr_blocks) <= 6 && alltrue([for c in var.task_egress_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":")])
    error_message = "task_egress_cidr_blocks must be 1 to 6 IPv4 CIDR blocks."
  }
}
