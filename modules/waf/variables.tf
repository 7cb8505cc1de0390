variable "name" {
  description = "Name of the web ACL and prefix of its resources."
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

variable "mcp_path" {
  description = "Path of the MCP endpoint (the path of the server's public URL). Only there may request bodies exceed the Core rule set's 8 KB limit: MCP tool calls do, and the server enforces its own body limit."
  type        = string
  nullable    = false
  default     = "/mcp"

  validation {
    condition     = can(regex("^(/[A-Za-z0-9._~-]+)+$", var.mcp_path))
    error_message = "mcp_path must be an absolute path without a trailing slash, such as /mcp."
  }
}

variable "rate_limit" {
  description = "Requests one client IP may send per evaluation window before WAF blocks it (a per-IP layer; the server also limits per principal)."
  type        = number
  nullable    = false
  default     = 2000

  validation {
    condition     = var.rate_limit >= 100 && var.rate_limit <= 2000000000
    error_message = "rate_limit must be between 100 and 2000000000."
  }
}

variable "caller_rate_limit" {
  description = "Requests one caller (one Authorization header value, i.e. one bearer token) may send per evaluation window before WAF blocks it, counted over all tasks (the server's per-principal limit is per task)."
  type        = number
  nullable    = false
  default     = 3000

  validation {
    condition     = var.caller_rate_limit >= 100 && var.caller_rate_limit <= 2000000000
    error_message = "caller_rate_limit must be between 100 and 2000000000."
  }
}

variable "rate_limit_window_seconds" {
  description = "Evaluation window of the rate-based rules (per IP and per caller)."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = contains([60, 120, 300, 600], var.rate_limit_window_seconds)
    error_message = "rate_limit_window_seconds must be 60, 120, 300 or 600."
  }
}

variable "allowed_ip_cidrs" {
  description = "If not empty, only these IPv4/IPv6 ranges may reach the endpoint; every other source is blocked."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_ip_cidrs : can(cidrhost(c, 0))])
    error_message = "allowed_ip_cidrs must be valid CIDR blocks."
  }
}

variable "blocked_ip_cidrs" {
  description = "IPv4/IPv6 ranges that are always blocked."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.blocked_ip_cidrs : can(cidrhost(c, 0))])
    error_message = "blocked_ip_cidrs must be valid CIDR blocks."
  }
}

variable "anonymous_ip_action" {
  description = "What the AWS managed Anonymous IP list does with requests from anonymising services (Tor, open proxies, VPN services): block, or count only."
  type        = string
  nullable    = false
  default     = "block"

  validation {
    condition     = contains(["block", "count"], var.anonymous_ip_action)
    error_message = "anonymous_ip_action must be block or count."
  }
}

variable "hosting_provider_ip_action" {
  description = "What the Anonymous IP list's HostingProviderIPList rule does with requests from cloud hosting: count by default, because web MCP clients often call from cloud hosting; block if none of yours do."
  type        = string
  nullable    = false
  default     = "count"

  validation {
    condition     = contains(["block", "count"], var.hosting_provider_ip_action)
    error_message = "hosting_provider_ip_action must be block or count."
  }
}

variable "redacted_headers" {
  description = "Request headers replaced by REDACTED in the WAF logs; must include authorization (bearer tokens)."
  type        = list(string)
  nullable    = false
  default     = ["authorization", "cookie"]

  validation {
    condition     = contains([for h in var.redacted_headers : lower(h)], "authorization")
    error_message = "redacted_headers must include authorization: bearer tokens must never reach the logs."
  }

  validation {
    condition     = alltrue([for h in var.redacted_headers : can(regex("^[A-Za-z0-9-]{1,64}$", h))])
    error_message = "redacted_headers must be header names."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the WAF log group: at least a year; 0 keeps logs forever."
  type        = number
  nullable    = false
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be at least 365 and a CloudWatch value (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) or 0 (never expire)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key of the WAF log group; null creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before a KMS key this module created is deleted."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "create_log_resource_policy" {
  description = "Create the CloudWatch Logs resource policy letting WAF deliver to the log group (an account holds at most 10; set false where one already covers aws-waf-logs-*)."
  type        = bool
  nullable    = false
  default     = true
}
