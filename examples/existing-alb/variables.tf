variable "region" {
  description = "AWS region of the existing load balancer."
  type        = string
  nullable    = false
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment; prefixes every resource."
  type        = string
  nullable    = false
  default     = "quilt-mcp"
}

variable "tags" {
  description = "Tags on every resource (provider default_tags)."
  type        = map(string)
  nullable    = false
  default     = { Application = "quilt-mcp" }
}

variable "vpc_id" {
  description = "VPC of the existing load balancer."
  type        = string
  nullable    = false
}

variable "private_subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
  nullable    = false
}

variable "listener_arn" {
  description = "ARN of your existing HTTPS listener; the module adds one rule for the MCP host and paths."
  type        = string
  nullable    = false
}

variable "listener_rule_priority" {
  description = "A free priority on that listener."
  type        = number
  nullable    = false
  default     = 100
}

variable "alb_security_group_id" {
  description = "Security group of the existing load balancer (the only source allowed to reach the tasks)."
  type        = string
  nullable    = false
}

variable "waf_web_acl_name" {
  description = "Name of the web ACL already associated with the load balancer, for the blocked-request alarm. null (no web ACL) is refused unless allow_without_waf is true; add modules/waf if you have none."
  type        = string
  default     = null
}

variable "allow_without_waf" {
  description = "RISK, a conscious exception: accept a load balancer with no web ACL (waf_web_acl_name = null), so no managed rules, IP reputation list, rate limit or body-size rule stand in front of the endpoint. Only for a short-lived test stack."
  type        = bool
  nullable    = false
  default     = false
}

variable "vpc_endpoint_security_group_ids" {
  description = "Security groups of your existing VPC interface endpoints (STS, Secrets Manager, KMS, Logs, ECR, Athena, Glue)."
  type        = list(string)
  nullable    = false
}

variable "s3_prefix_list_ids" {
  description = "Prefix lists of your S3 gateway endpoints."
  type        = list(string)
  nullable    = false
}

variable "identity_provider_cidr_blocks" {
  description = "Address ranges of the identity provider's JWKS endpoint and the Quilt registry, reached on 443."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.identity_provider_cidr_blocks : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "identity_provider_cidr_blocks must be CIDR blocks narrower than the whole internet."
  }
}

variable "public_url" {
  description = "Public URL of the MCP endpoint on your load balancer's host, e.g. https://data.example.com/mcp."
  type        = string
  nullable    = false
}

variable "container_image" {
  description = "quilt-mcp image pinned by digest."
  type        = string
  nullable    = false
}

variable "auth_issuer" {
  description = "Issuer (iss) of the bearer tokens."
  type        = string
  nullable    = false
}

variable "auth_jwks_url" {
  description = "JWKS URL of the identity provider."
  type        = string
  nullable    = false
}

variable "allowed_role_arns" {
  description = "Your existing per-user data roles (each must trust the task role: see the module's data_role_trust_policy output)."
  type        = list(string)
  nullable    = false
}

variable "buckets" {
  description = "Buckets the tools may touch (the exported category policies are scoped to them)."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "alarm_email_addresses" {
  description = "Who receives the alarms."
  type        = list(string)
  nullable    = false
  default     = []
}
