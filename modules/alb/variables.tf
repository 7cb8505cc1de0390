variable "name" {
  description = "Name of the load balancer and prefix of its resources (a load balancer name allows 32 characters)."
  type        = string
  nullable    = false
  default     = "quilt-mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "internal" {
  description = "true: an internal load balancer reachable only inside the VPC; false: internet-facing. No default: exposure is a conscious choice."
  type        = bool
  nullable    = false
}

variable "vpc_id" {
  description = "VPC of the load balancer."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets of the load balancer (public subnets when internet-facing), in at least two Availability Zones."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be at least two subnet IDs (subnet-...)."
  }
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "additional_certificate_arns" {
  description = "More ACM certificates for the HTTPS listener (SNI)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.additional_certificate_arns : can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", c))])
    error_message = "additional_certificate_arns must be ACM certificate ARNs."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener: a TLS 1.3 policy that accepts at most TLS 1.2 as the lowest version."
  type        = string
  nullable    = false
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-TLS13-1-[23]-", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.3 policy whose minimum is TLS 1.2 or 1.3 (ELBSecurityPolicy-TLS13-1-2-* or ELBSecurityPolicy-TLS13-1-3-*)."
  }
}

variable "ingress_cidr_blocks" {
  description = "IPv4 ranges allowed to reach the HTTPS listener (e.g. [\"0.0.0.0/0\"] for an internet-facing endpoint, the corporate ranges otherwise)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.ingress_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":")])
    error_message = "ingress_cidr_blocks must be IPv4 CIDR blocks."
  }
}

variable "ingress_ipv6_cidr_blocks" {
  description = "IPv6 ranges allowed to reach the HTTPS listener (needs ip_address_type dualstack)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.ingress_ipv6_cidr_blocks : can(cidrhost(c, 0)) && strcontains(c, ":")])
    error_message = "ingress_ipv6_cidr_blocks must be IPv6 CIDR blocks."
  }
}

variable "ingress_prefix_list_ids" {
  description = "Managed prefix lists allowed to reach the HTTPS listener."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for p in var.ingress_prefix_list_ids : can(regex("^pl-[0-9a-f]{8,17}$", p))])
    error_message = "ingress_prefix_list_ids must be prefix list IDs (pl-...)."
  }
}

variable "ip_address_type" {
  description = "ipv4 or dualstack."
  type        = string
  nullable    = false
  default     = "ipv4"

  validation {
    condition     = contains(["ipv4", "dualstack"], var.ip_address_type)
    error_message = "ip_address_type must be ipv4 or dualstack."
  }
}

variable "http_redirect" {
  description = "Also listen on port 80, only to redirect to HTTPS (301). Off by default: clients of an MCP endpoint use its https:// URL."
  type        = bool
  nullable    = false
  default     = false
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle; streamed MCP responses of slow tools need more than the 60 s AWS default."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion (turn off only to destroy a test stack)."
  type        = bool
  nullable    = false
  default     = true
}

variable "web_acl_arn" {
  description = "WAFv2 web ACL (modules/waf output) to associate with the load balancer."
  type        = string
  default     = null

  validation {
    condition     = var.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[0-9a-f-]{36}$", var.web_acl_arn))
    error_message = "web_acl_arn must be a regional WAFv2 web ACL ARN."
  }
}

variable "associate_web_acl" {
  description = "Associate web_acl_arn with the load balancer. A separate flag because the ARN is often unknown until apply, and resource counts must be known at plan. false is refused unless allow_without_waf is true."
  type        = bool
  nullable    = false
  default     = true
}

variable "allow_without_waf" {
  description = "RISK, a conscious exception: accept a load balancer without a web ACL from this module (associate_web_acl = false), so no managed rules, IP reputation list, rate limit or body-size rule stand in front of the endpoint. Only for a web ACL associated by other means (e.g. AWS Firewall Manager) or a short-lived test stack."
  type        = bool
  nullable    = false
  default     = false
}

variable "access_logs_retention_days" {
  description = "Days access logs are kept in the log bucket before they expire."
  type        = number
  nullable    = false
  default     = 365

  validation {
    condition     = var.access_logs_retention_days >= 90 && var.access_logs_retention_days <= 3653
    error_message = "access_logs_retention_days must be between 90 and 3653."
  }
}

variable "access_logs_bucket_force_destroy" {
  description = "Allow destroying the access log bucket with its objects (test stacks only)."
  type        = bool
  nullable    = false
  default     = false
}
