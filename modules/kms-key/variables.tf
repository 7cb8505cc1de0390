variable "alias" {
  description = "Alias name without the alias/ prefix, e.g. quilt-mcp-logs."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/")
    error_message = "alias must be 1-250 characters of letters, digits, /, _ and -, and not start with aws/."
  }
}

variable "description" {
  description = "What the key encrypts (shown in the KMS console)."
  type        = string
  nullable    = false
}

variable "deletion_window_in_days" {
  description = "Waiting period before the key is deleted."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "log_group" {
  description = "The one CloudWatch Logs group that may use the key: its ARN and the statement's Sid. null: no CloudWatch Logs statement."
  type = object({
    arn = string
    sid = string
  })
  default = null
}

variable "service_statements" {
  description = "Key policy statements after the account's own: the one service that uses the key, scoped by condition where the service sends one. A wildcard principal is refused."
  # Statements differ in shape (Condition or not), which no list(object) type allows.
  type     = any
  nullable = false
  default  = []

  validation {
    condition     = alltrue([for s in var.service_statements : try(s.Principal, "*") != "*" && try(s.Principal.AWS, "") != "*"])
    error_message = "service_statements must name a principal; \"*\" is refused."
  }
}

variable "tags" {
  description = "Tags of the key."
  type        = map(string)
  nullable    = false
  default     = {}
}
