variable "region" {
  description = "AWS region to deploy to."
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
  description = "Existing VPC with public and private subnets."
  type        = string
  nullable    = false
}

variable "public_subnet_ids" {
  description = "Public subnets of the internet-facing load balancer (two or more Availability Zones)."
  type        = list(string)
  nullable    = false
}

variable "private_subnet_ids" {
  description = "Private subnets of the tasks and the VPC interface endpoints."
  type        = list(string)
  nullable    = false
}

variable "private_route_table_ids" {
  description = "Route tables of the private subnets (they get the S3 gateway endpoint)."
  type        = list(string)
  nullable    = false
}

variable "certificate_arn" {
  description = "ACM certificate covering the host of public_url."
  type        = string
  nullable    = false
}

variable "public_url" {
  description = "Public URL of the MCP endpoint, e.g. https://mcp.example.com/mcp (point its DNS name at the load balancer)."
  type        = string
  nullable    = false
}

variable "container_image" {
  description = "quilt-mcp image pinned by digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/quilt-mcp@sha256:…"
  type        = string
  nullable    = false
}

variable "auth_issuer" {
  description = "Issuer (iss) of the bearer tokens your identity provider mints for this server."
  type        = string
  nullable    = false
}

variable "auth_jwks_url" {
  description = "JWKS URL of the identity provider."
  type        = string
  nullable    = false
}

variable "identity_provider_cidr_blocks" {
  description = "Address ranges of the identity provider's JWKS endpoint (no VPC endpoint reaches it). The internet is not an identity provider: for that exception set allow_internet_egress on the module consciously."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.identity_provider_cidr_blocks : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "identity_provider_cidr_blocks must be CIDR blocks narrower than the whole internet."
  }
}

variable "ingress_cidr_blocks" {
  description = "Who may reach the load balancer on 443; the default is the internet (WAF and the server's token checks guard it)."
  type        = list(string)
  nullable    = false
  default     = ["0.0.0.0/0"]
}

variable "allowed_origins" {
  description = "Browser origins of web MCP clients allowed to call the endpoint."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "buckets" {
  description = "Buckets the tools may touch; the sample data role's policies are scoped to them."
  type        = list(string)
  nullable    = false
}

variable "tool_categories" {
  description = "Enabled tool categories (read-only ones by default)."
  type        = list(string)
  nullable    = false
  default     = ["s3-read", "packages-read", "search", "governance", "catalog"]
}

variable "alarm_email_addresses" {
  description = "Who receives the alarms (each address must confirm its subscription)."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion; set false only for a throwaway test stack."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_audit_trail" {
  description = "Create the audit trail (modules/audit): a CloudTrail trail with management events and S3 data events on buckets, for runbooks/audit-trail.md. Set false where an organisation trail already records the same to CloudWatch Logs."
  type        = bool
  nullable    = false
  default     = true
}
