variable "name" {
  description = "Prefix of the alarm, dashboard and topic names."
  type        = string
  nullable    = false
  default     = "quilt-mcp"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{1,62}[A-Za-z0-9]$", var.name))
    error_message = "name must be 3-64 characters of letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "metrics_namespace" {
  description = "CloudWatch namespace the server writes to (modules/mcp-server output metrics_namespace); null = the catalog's namespace."
  type        = string
  default     = null

  validation {
    condition     = var.metrics_namespace == null || can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace))
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and ._/#:-."
  }
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer (app/<name>/<id>), the LoadBalancer dimension."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^app/[A-Za-z0-9-]+/[0-9a-f]+$", var.load_balancer_arn_suffix))
    error_message = "load_balancer_arn_suffix must look like app/<name>/<id>."
  }
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the service's target group (targetgroup/<name>/<id>), the TargetGroup dimension."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^targetgroup/[A-Za-z0-9-]+/[0-9a-f]+$", var.target_group_arn_suffix))
    error_message = "target_group_arn_suffix must look like targetgroup/<name>/<id>."
  }
}

variable "waf_web_acl_name" {
  description = "Name of the WAF web ACL (modules/waf output web_acl_name) for the blocked-request alarm; null = no WAF alarm."
  type        = string
  default     = null

  validation {
    condition     = var.waf_web_acl_name == null || can(regex("^[A-Za-z0-9_-]{1,128}$", var.waf_web_acl_name))
    error_message = "waf_web_acl_name must be a web ACL name."
  }
}

variable "period_seconds" {
  description = "Period of the alarm metrics."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = contains([60, 300, 900, 3600], var.period_seconds)
    error_message = "period_seconds must be 60, 300, 900 or 3600."
  }
}

variable "auth_failure_rate_percent" {
  description = "Alarm when AuthFailure / (AuthSuccess + AuthFailure) of a client type exceeds this percentage in a period."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.auth_failure_rate_percent > 0 && var.auth_failure_rate_percent < 100
    error_message = "auth_failure_rate_percent must be between 0 and 100 (exclusive)."
  }
}

variable "auth_failure_min_requests" {
  description = "Authentication attempts a period needs before the failure-rate alarm judges it (one failure in two attempts is not an incident)."
  type        = number
  nullable    = false
  default     = 20

  validation {
    condition     = var.auth_failure_min_requests >= 1
    error_message = "auth_failure_min_requests must be at least 1."
  }
}

variable "target_5xx_threshold" {
  description = "Alarm when the targets return more 5xx responses than this in a period."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.target_5xx_threshold >= 0
    error_message = "target_5xx_threshold must not be negative."
  }
}

variable "sts_error_threshold" {
  description = "Alarm when more per-user AssumeRole calls than this fail in a period (0: any failure)."
  type        = number
  nullable    = false
  default     = 0

  validation {
    condition     = var.sts_error_threshold >= 0
    error_message = "sts_error_threshold must not be negative."
  }
}

variable "waf_blocked_threshold" {
  description = "Alarm when WAF blocks more requests than this in a period (a spike worth a look)."
  type        = number
  nullable    = false
  default     = 500

  validation {
    condition     = var.waf_blocked_threshold >= 1
    error_message = "waf_blocked_threshold must be at least 1."
  }
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key of the SNS topic; null creates one (with rotation) that CloudWatch may use."
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
