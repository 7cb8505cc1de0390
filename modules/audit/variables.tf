variable "name" {
  description = "Prefix of the trail, bucket, log group, role and key alias (the trail is <name>-audit)."
  type        = string
  nullable    = false
  default     = "quilt-mcp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of lowercase letters, digits and hyphens, starting with a letter (the bucket name <name>-audit-<account>-<region> allows 63)."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "multi_region" {
  description = "Record every region's events in this one trail (recommended: a call in another region is still evidence); false records only this region's."
  type        = bool
  nullable    = false
  default     = true
}

variable "data_bucket_names" {
  description = "Buckets whose object reads and writes the trail records as S3 data events (the server's data buckets, modules/mcp-server buckets). Empty: no data events, so no record of who read an object."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.data_bucket_names) <= 100 && alltrue([for b in var.data_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "data_bucket_names must be at most 100 S3 bucket names."
  }
}

variable "s3_data_events" {
  description = "Which S3 object calls on data_bucket_names are recorded: all (reads and writes), read (GetObject, HeadObject, ...) or write (PutObject, DeleteObject, ...). Data events are billed per event."
  type        = string
  nullable    = false
  default     = "all"

  validation {
    condition     = contains(["all", "read", "write"], var.s3_data_events)
    error_message = "s3_data_events must be all, read or write."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the trail's CloudWatch log group (the one Logs Insights queries, runbooks/audit-trail.md): at least a year; 0 keeps logs forever."
  type        = number
  nullable    = false
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be at least 365 and a CloudWatch value (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) or 0 (never expire)."
  }
}

variable "bucket_retention_in_days" {
  description = "Days the trail's log files are kept in the bucket (the copy log file validation checks): at least a year."
  type        = number
  nullable    = false
  default     = 2557

  validation {
    condition     = var.bucket_retention_in_days >= 365 && var.bucket_retention_in_days <= 36500 && floor(var.bucket_retention_in_days) == var.bucket_retention_in_days
    error_message = "bucket_retention_in_days must be a whole number of days between 365 and 36500."
  }
}

variable "access_logs_bucket" {
  description = "Existing bucket that receives the server access logs of the trail's bucket (who read the evidence); null: no access logging."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be an S3 bucket name."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the trail's KMS key is deleted."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "force_destroy" {
  description = "Allow destroying the trail's bucket with its log files (test stacks only: the files are audit evidence)."
  type        = bool
  nullable    = false
  default     = false
}
