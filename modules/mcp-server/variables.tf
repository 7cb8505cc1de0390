# Inputs of the deployment, then (from "Server settings" on) one variable per server setting.

variable "name" {
  description = "Name of the service; prefixes every resource (target group names allow 32 characters, so at most 28 here)."
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

# --- network ---------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC of the service and its target group."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the tasks (no public IP is ever assigned). Use at least two Availability Zones."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be a non-empty list of subnet IDs (subnet-...)."
  }
}

variable "vpc_endpoint_security_group_ids" {
  description = "Security groups of the VPC interface endpoints (modules/network output): the service may reach them on 443."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for s in var.vpc_endpoint_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "vpc_endpoint_security_group_ids must be security group IDs (sg-...)."
  }
}

variable "s3_prefix_list_ids" {
  description = "Prefix lists of S3 gateway endpoints (modules/network output): the service may reach them on 443 (S3 data and ECR image layers)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for p in var.s3_prefix_list_ids : can(regex("^pl-[0-9a-f]{8,17}$", p))])
    error_message = "s3_prefix_list_ids must be prefix list IDs (pl-...)."
  }
}

variable "egress_cidr_blocks" {
  description = "Extra destinations the service may reach on 443 that have no VPC endpoint (identity provider JWKS, Quilt registry, proxy). A range covering the whole internet is refused here: set allow_internet_egress instead."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.egress_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "egress_cidr_blocks must be valid IPv4 or IPv6 CIDR blocks."
  }

  validation {
    # /0 is the internet; anything wider than /8 (IPv4) or /16 (IPv6) is a way around that rule
    # (0.0.0.0/1 + 128.0.0.0/1), so both are refused and need the explicit exception below.
    condition = alltrue([
      for c in var.egress_cidr_blocks : (
        can(cidrhost(c, 0)) ? tonumber(split("/", c)[1]) >= (strcontains(c, ":") ? 16 : 8) : true
      )
    ])
    error_message = "egress_cidr_blocks must not contain 0.0.0.0/0, ::/0 or any range wider than /8 (IPv4) or /16 (IPv6); set allow_internet_egress = true for a conscious internet-egress exception."
  }
}

variable "allow_internet_egress" {
  description = "Conscious exception: allow HTTPS (tcp/443 only) to 0.0.0.0/0, for a VPC without endpoints and an identity provider on the internet. Prefer VPC endpoints (modules/network) and egress_cidr_blocks."
  type        = bool
  nullable    = false
  default     = false
}

# --- load balancer ---------------------------------------------------------------------------

variable "listener_arn" {
  description = "ARN of the HTTPS listener (modules/alb output or an existing one) that receives the MCP routes."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/[A-Za-z0-9-]+/[0-9a-f]+/[0-9a-f]+$", var.listener_arn))
    error_message = "listener_arn must be the ARN of an Application Load Balancer listener."
  }
}

variable "listener_rule_priority" {
  description = "Priority of the listener rule that forwards the MCP routes (unique on the listener)."
  type        = number
  nullable    = false
  default     = 100

  validation {
    condition     = var.listener_rule_priority >= 1 && var.listener_rule_priority <= 50000 && floor(var.listener_rule_priority) == var.listener_rule_priority
    error_message = "listener_rule_priority must be an integer between 1 and 50000."
  }
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer: the only source allowed to reach the tasks."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.alb_security_group_id))
    error_message = "alb_security_group_id must be a security group ID (sg-...)."
  }
}

variable "create_alb_egress_rule" {
  description = "Add an egress rule to the load balancer's security group allowing it to reach the tasks on the container port (modules/alb creates its group without egress)."
  type        = bool
  nullable    = false
  default     = true
}

variable "deregistration_delay" {
  description = "Seconds the target group waits for in-flight requests of a deregistering task."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be between 0 and 3600 seconds."
  }
}

# --- cluster, task, service ------------------------------------------------------------------

variable "create_cluster" {
  description = "Create an ECS cluster (Container Insights on, ECS Exec logging KMS-encrypted). Set false and give cluster_arn to use an existing cluster."
  type        = bool
  nullable    = false
  default     = true
}

variable "cluster_arn" {
  description = "ARN of an existing ECS cluster; used only when create_cluster is false."
  type        = string
  default     = null

  validation {
    condition     = var.cluster_arn == null || can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN."
  }
}

variable "container_image" {
  description = "Container image of quilt-mcp. Pin it by digest (repo@sha256:...) or an immutable tag; `latest` and untagged images are refused."
  type        = string
  nullable    = false

  validation {
    # The tag is what follows the last ":" of the last path segment (a registry port is not a tag).
    condition = can(regex("^[a-z0-9][a-z0-9._/:-]*[a-z0-9](@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.container_image)) && (
      can(regex("@sha256:[0-9a-f]{64}$", var.container_image)) || (
        can(regex(":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", element(split("/", var.container_image), length(split("/", var.container_image)) - 1))) &&
        !endswith(var.container_image, ":latest")
      )
    )
    error_message = "container_image must name a digest (…@sha256:<64 hex>) or an explicit tag other than latest."
  }
}

variable "container_user" {
  description = "UID:GID the container runs as; root (0) is refused."
  type        = string
  nullable    = false
  default     = "65532:65532"

  validation {
    condition     = can(regex("^[1-9][0-9]{0,9}:[1-9][0-9]{0,9}$", var.container_user))
    error_message = "container_user must be a numeric non-root UID:GID such as 65532:65532."
  }
}

variable "healthcheck_binary" {
  description = "Path of the quilt-mcp binary in the image; the container health check runs `<binary> healthcheck` (exit 0/1 against /healthz)."
  type        = string
  nullable    = false
  default     = "/quilt-mcp"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]+$", var.healthcheck_binary))
    error_message = "healthcheck_binary must be an absolute path."
  }
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
  nullable    = false
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "memory" {
  description = "Fargate task memory in MiB (must be a valid combination with cpu)."
  type        = number
  nullable    = false
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be between 512 and 122880 MiB."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image."
  type        = string
  nullable    = false
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "platform_version" {
  description = "Fargate platform version."
  type        = string
  nullable    = false
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "1.4.0"], var.platform_version)
    error_message = "platform_version must be LATEST or 1.4.0."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL; must exceed drain_timeout_seconds."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 2 and 120 seconds (the Fargate maximum)."
  }
}

variable "desired_count" {
  description = "Initial number of tasks (autoscaling manages it afterwards)."
  type        = number
  nullable    = false
  default     = 2

  validation {
    condition     = var.desired_count >= 1
    error_message = "desired_count must be at least 1."
  }
}

variable "autoscaling_min_capacity" {
  description = "Fewest tasks autoscaling keeps (2 spreads over two Availability Zones)."
  type        = number
  nullable    = false
  default     = 2

  validation {
    condition     = var.autoscaling_min_capacity >= 1
    error_message = "autoscaling_min_capacity must be at least 1."
  }
}

variable "autoscaling_max_capacity" {
  description = "Most tasks autoscaling may run."
  type        = number
  nullable    = false
  default     = 6

  validation {
    condition     = var.autoscaling_max_capacity >= 1 && var.autoscaling_max_capacity <= 1000
    error_message = "autoscaling_max_capacity must be between 1 and 1000."
  }
}

variable "autoscaling_cpu_target" {
  description = "Target average CPU utilisation (percent) of the service."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.autoscaling_cpu_target >= 10 && var.autoscaling_cpu_target <= 90
    error_message = "autoscaling_cpu_target must be between 10 and 90."
  }
}

variable "autoscaling_requests_per_target" {
  description = "Target ALB requests per task per minute."
  type        = number
  nullable    = false
  default     = 1000

  validation {
    condition     = var.autoscaling_requests_per_target >= 1
    error_message = "autoscaling_requests_per_target must be positive."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing load-balancer health checks of a new task."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must not be negative."
  }
}

variable "deployment_alarm_names" {
  description = "CloudWatch alarms that roll a deployment back when they fire (modules/observability output deployment_alarm_names)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for a in var.deployment_alarm_names : length(a) >= 1 && length(a) <= 255])
    error_message = "deployment_alarm_names must be alarm names of 1-255 characters."
  }
}

# --- logs and keys ---------------------------------------------------------------------------

variable "log_retention_in_days" {
  description = "Retention of the service log group (audit records live there): at least a year; 0 keeps logs forever."
  type        = number
  nullable    = false
  default     = 365

  validation {
    condition     = contains([0, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be at least 365 and a CloudWatch value (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) or 0 (never expire)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log group and ECS Exec logging; null creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/mrk-[0-9a-f]{32}$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (an alias is not accepted: key policies and grants need the key)."
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

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the task and execution roles (organisation policy), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@/_-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

# --- secrets and extra environment -----------------------------------------------------------

variable "create_hs256_secret" {
  description = "Create a Secrets Manager secret (own KMS key) holding a random HS256 signing key and inject it as QUILT_MCP_AUTH_HS256_SECRET. Its first value is generated by Secrets Manager and recorded in the Terraform state: rotate it after the first apply (runbooks/) so the state holds no live key."
  type        = bool
  nullable    = false
  default     = false
}

variable "hs256_secret_rotation_lambda_arn" {
  description = "Optional rotation Lambda for the created HS256 secret (the server accepts AWSPREVIOUS during a rotation window)."
  type        = string
  default     = null

  validation {
    condition     = var.hs256_secret_rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$", var.hs256_secret_rotation_lambda_arn))
    error_message = "hs256_secret_rotation_lambda_arn must be a Lambda function ARN."
  }
}

variable "hs256_secret_rotation_days" {
  description = "Days between automatic rotations of the created HS256 secret (with a rotation Lambda)."
  type        = number
  nullable    = false
  default     = 90

  validation {
    condition     = var.hs256_secret_rotation_days >= 1 && var.hs256_secret_rotation_days <= 1000
    error_message = "hs256_secret_rotation_days must be between 1 and 1000."
  }
}

variable "auth_hs256_secret_value_from" {
  description = "Existing Secrets Manager secret ARN (optionally with :json-key:version-stage:version-id) or SSM SecureString parameter ARN injected by ECS as QUILT_MCP_AUTH_HS256_SECRET."
  type        = string
  default     = null

  validation {
    condition     = var.auth_hs256_secret_value_from == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$", var.auth_hs256_secret_value_from))
    error_message = "auth_hs256_secret_value_from must be a Secrets Manager secret ARN (optionally :json-key:stage:version) or an SSM parameter ARN."
  }
}

variable "tls_certificate_value_from" {
  description = "Opt-in TLS from the load balancer to the task: Secrets Manager secret or SSM parameter ARN of a PEM certificate chain, injected by ECS as QUILT_MCP_TLS_CERTIFICATE. With tls_private_key_value_from the target group and its health check use HTTPS (the load balancer does not validate the certificate; a self-signed one will do)."
  type        = string
  default     = null

  validation {
    condition     = var.tls_certificate_value_from == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$", var.tls_certificate_value_from))
    error_message = "tls_certificate_value_from must be a Secrets Manager secret ARN (optionally :json-key:stage:version) or an SSM parameter ARN."
  }
}

variable "tls_private_key_value_from" {
  description = "The PEM private key of tls_certificate_value_from (Secrets Manager secret or SSM SecureString parameter ARN), injected by ECS as QUILT_MCP_TLS_PRIVATE_KEY."
  type        = string
  default     = null

  validation {
    condition     = var.tls_private_key_value_from == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$", var.tls_private_key_value_from))
    error_message = "tls_private_key_value_from must be a Secrets Manager secret ARN (optionally :json-key:stage:version) or an SSM parameter ARN."
  }
}

variable "auth_hs256_secret_previous_value_from" {
  description = "Like auth_hs256_secret_value_from, for QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS (the key still accepted during a rotation window)."
  type        = string
  default     = null

  validation {
    condition     = var.auth_hs256_secret_previous_value_from == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$", var.auth_hs256_secret_previous_value_from))
    error_message = "auth_hs256_secret_previous_value_from must be a Secrets Manager secret ARN (optionally :json-key:stage:version) or an SSM parameter ARN."
  }
}

variable "auth_hs256_secret_kms_key_arn" {
  description = "KMS key of the secret named by auth_hs256_secret_arn (the server reads it itself at start), or null for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.auth_hs256_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$", var.auth_hs256_secret_kms_key_arn))
    error_message = "auth_hs256_secret_kms_key_arn must be a KMS key ARN."
  }
}

variable "extra_secrets" {
  description = "More container secrets: environment name => Secrets Manager ARN (optionally :json-key:stage:version) or SSM parameter ARN. The execution role may read exactly these."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition = alltrue([
      for k, v in var.extra_secrets : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", k)) && (
        can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$", v)) ||
        can(regex("^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$", v))
      )
    ])
    error_message = "extra_secrets maps environment names to Secrets Manager secret ARNs (optionally :json-key:stage:version) or SSM parameter ARNs."
  }
}

variable "secrets_kms_key_arns" {
  description = "Customer managed KMS keys of the secrets given by ARN (auth_hs256_secret_*value_from, extra_secrets); the execution role may decrypt with exactly these, through Secrets Manager or SSM only."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for k in var.secrets_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$", k))])
    error_message = "secrets_kms_key_arns must be KMS key ARNs."
  }
}

variable "extra_environment" {
  description = "More plain environment variables. Names that look like secrets (SECRET, TOKEN, PASSWORD, KEY, CREDENTIAL, …) are refused: pass those through extra_secrets. Server settings have their own variables and may not be set here."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.extra_environment : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", k))])
    error_message = "extra_environment names must be valid environment variable names."
  }

  validation {
    condition     = alltrue([for k, v in var.extra_environment : !can(regex("(?i)(SECRET|TOKEN|PASSW|PWD|PASSPHRASE|KEY|CREDENTIAL|PRIVATE|SIGNING|BEARER|JWT|SALT|COOKIE|SESSION|AUTH)", k))])
    error_message = "extra_environment must not contain secret-looking names (SECRET, TOKEN, PASSWORD, KEY, CREDENTIAL, PRIVATE, SIGNING, BEARER, JWT, SALT, COOKIE, SESSION, AUTH): inject secrets through extra_secrets (ECS secrets/valueFrom)."
  }

  validation {
    condition     = alltrue([for k, v in var.extra_environment : !can(regex("^(QUILT_MCP_|AWS_)", k))])
    error_message = "extra_environment must not set QUILT_MCP_* or AWS_* variables: use the module's typed variables."
  }
}

# --- policy rendering (policies/placeholders.json) --------------------------------------------

variable "glue_databases" {
  description = "Glue databases the athena category may list, describe and query (placeholder glue_database)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for d in var.glue_databases : can(regex("^[a-z0-9_]{1,255}$", d))])
    error_message = "glue_databases must be Glue database names (lowercase letters, digits, underscores)."
  }
}

variable "subject_pattern" {
  description = "IAM StringLike pattern the verified subject must match in the exported data-role trust policy (on sts:SourceIdentity and the QuiltMcpSubject tag), e.g. *@example.com; * only requires presence."
  type        = string
  nullable    = false
  default     = "*"

  validation {
    condition     = can(regex("^[A-Za-z0-9_+=,.@*?-]{1,64}$", var.subject_pattern))
    error_message = "subject_pattern must be 1-64 characters of letters, digits and _+=,.@*?-."
  }
}

# === Server settings ==========================================================================
# One variable per non-secret server setting of server/config/schema.ts (`deno run
# server/config/describe.ts` prints it), named by the snake_case of the setting key and passed to
# the container by the setting's environment name (settings.tf). tests/terraform/settings_test.ts
# proves the two agree. Three settings are fixed by this module instead: QUILT_MCP_TRANSPORT
# (http), QUILT_MCP_USE_QUILT3_LOGIN (false: stdio only) and the HS256 secret values, which only
# reach the container through ECS secrets (the secret variables above).
# Validations are the schema's, tightened where a deployment demands more (https URLs, port 0).

# --- server ----------------------------------------------------------------------------------

variable "host" {
  description = "Address the HTTP server binds inside the container (QUILT_MCP_HOST); 0.0.0.0 behind the load balancer."
  type        = string
  nullable    = false
  default     = "0.0.0.0"

  validation {
    condition     = can(regex("^[A-Za-z0-9.:\\[\\]-]{1,253}$", var.host))
    error_message = "host must be an address or host name."
  }
}

variable "port" {
  description = "Container port of the HTTP server (QUILT_MCP_PORT); the target group and security groups follow it."
  type        = number
  nullable    = false
  default     = 8080

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port must be an integer between 1 and 65535 (0, a random port, cannot be load balanced)."
  }
}

variable "public_url" {
  description = "The exact public HTTPS URL of the MCP endpoint, e.g. https://mcp.example.com/mcp (QUILT_MCP_PUBLIC_URL): the OAuth resource identifier and default token audience. Its host and path also make the listener rule."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^https://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)+$", var.public_url))
    error_message = "public_url must be an https:// URL with a host and a path such as /mcp (no query, no trailing slash)."
  }
}

variable "allowed_origins" {
  description = "Browser origins allowed to call the MCP endpoint (QUILT_MCP_ALLOWED_ORIGINS); other Origins get 403."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for o in var.allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", o))])
    error_message = "allowed_origins must be origins such as https://claude.ai (scheme, host, optional port)."
  }
}

variable "allowed_hosts" {
  description = "Host header values accepted on the MCP endpoint (QUILT_MCP_ALLOWED_HOSTS); empty = the public URL's host."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for h in var.allowed_hosts : can(regex("^[A-Za-z0-9.-]+(:[0-9]{1,5})?$", h))])
    error_message = "allowed_hosts must be host names with an optional port."
  }
}

variable "max_body_bytes" {
  description = "Largest accepted request body in bytes (QUILT_MCP_MAX_BODY_BYTES); larger ones get 413. The WAF lets MCP bodies past its 8 KB rule because this limit applies."
  type        = number
  nullable    = false
  default     = 1048576

  validation {
    condition     = var.max_body_bytes >= 1024 && var.max_body_bytes <= 16777216
    error_message = "max_body_bytes must be between 1024 and 16777216."
  }
}

variable "rate_limit_per_minute" {
  description = "Sustained requests per minute per principal in each task (QUILT_MCP_RATE_LIMIT_PER_MINUTE; tasks count separately, WAF caller_rate_limit bounds all tasks); excess gets 429."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.rate_limit_per_minute >= 1 && var.rate_limit_per_minute <= 100000
    error_message = "rate_limit_per_minute must be between 1 and 100000."
  }
}

variable "rate_limit_burst" {
  description = "Requests a principal may send in a burst (QUILT_MCP_RATE_LIMIT_BURST)."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.rate_limit_burst >= 1 && var.rate_limit_burst <= 100000
    error_message = "rate_limit_burst must be between 1 and 100000."
  }
}

variable "drain_timeout_seconds" {
  description = "Seconds in-flight requests may finish after SIGTERM (QUILT_MCP_DRAIN_TIMEOUT_SECONDS); must be below stop_timeout."
  type        = number
  nullable    = false
  default     = 25

  validation {
    condition     = var.drain_timeout_seconds >= 1 && var.drain_timeout_seconds <= 120
    error_message = "drain_timeout_seconds must be between 1 and 120."
  }
}

# --- auth ------------------------------------------------------------------------------------

variable "auth_issuer" {
  description = "Required `iss` of bearer tokens (QUILT_MCP_AUTH_ISSUER)."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.auth_issuer) <= 2048 && can(regex("^\\S+$", var.auth_issuer))
    error_message = "auth_issuer must be 1-2048 characters without spaces."
  }
}

variable "auth_audience" {
  description = "Required `aud` of bearer tokens (QUILT_MCP_AUTH_AUDIENCE); null = the public URL."
  type        = string
  default     = null

  validation {
    condition     = var.auth_audience == null || (length(coalesce(var.auth_audience, "-")) <= 2048 && can(regex("^\\S+$", var.auth_audience)))
    error_message = "auth_audience must be 1-2048 characters without spaces."
  }
}

variable "auth_jwks_url" {
  description = "HTTPS JWKS endpoint of the issuer (QUILT_MCP_AUTH_JWKS_URL). Either this or an HS256 secret is required."
  type        = string
  default     = null

  validation {
    condition     = var.auth_jwks_url == null || can(regex("^https://[^\\s/]+(/\\S*)?$", var.auth_jwks_url))
    error_message = "auth_jwks_url must be an https:// URL."
  }
}

variable "auth_algorithms" {
  description = "Asymmetric algorithms accepted with the JWKS (QUILT_MCP_AUTH_ALGORITHMS); pinned, never chosen by the token."
  type        = list(string)
  nullable    = false
  default     = ["RS256", "ES256"]

  validation {
    condition     = length(var.auth_algorithms) > 0 && alltrue([for a in var.auth_algorithms : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], a)])
    error_message = "auth_algorithms must be a non-empty list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA."
  }
}

variable "auth_hs256_secret_arn" {
  description = "Secrets Manager ARN the server reads the HS256 key from at start, AWSCURRENT plus AWSPREVIOUS for rotation (QUILT_MCP_AUTH_HS256_SECRET_ARN). The task role may read exactly this secret. Alternative to the ECS-injected auth_hs256_secret_value_from / create_hs256_secret."
  type        = string
  default     = null

  validation {
    condition     = var.auth_hs256_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.auth_hs256_secret_arn))
    error_message = "auth_hs256_secret_arn must be a Secrets Manager secret ARN (no json-key suffix)."
  }
}

variable "auth_required_scopes" {
  description = "Scopes every token must carry (QUILT_MCP_AUTH_REQUIRED_SCOPES); otherwise 403 insufficient_scope."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for s in var.auth_required_scopes : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$", s))])
    error_message = "auth_required_scopes must be scope tokens (printable ASCII without spaces, quotes or backslashes)."
  }
}

variable "auth_jwks_max_stale_seconds" {
  description = "How long the last key set fetched from the JWKS keeps verifying tokens while the issuer is unreachable (QUILT_MCP_AUTH_JWKS_MAX_STALE_SECONDS); after that, requests get 503 until it answers."
  type        = number
  nullable    = false
  default     = 86400

  validation {
    condition     = var.auth_jwks_max_stale_seconds >= 600 && var.auth_jwks_max_stale_seconds <= 604800
    error_message = "auth_jwks_max_stale_seconds must be between 600 and 604800."
  }
}

variable "auth_hs256_secret_refresh_seconds" {
  description = "With auth_hs256_secret_arn: how often the running server re-reads the secret's AWSCURRENT and AWSPREVIOUS versions, so a rotation needs no restart (QUILT_MCP_AUTH_HS256_SECRET_REFRESH_SECONDS)."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.auth_hs256_secret_refresh_seconds >= 60 && var.auth_hs256_secret_refresh_seconds <= 86400
    error_message = "auth_hs256_secret_refresh_seconds must be between 60 and 86400."
  }
}

variable "auth_clock_tolerance_seconds" {
  description = "Allowed clock skew for exp/nbf/iat (QUILT_MCP_AUTH_CLOCK_TOLERANCE_SECONDS)."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.auth_clock_tolerance_seconds >= 0 && var.auth_clock_tolerance_seconds <= 300
    error_message = "auth_clock_tolerance_seconds must be between 0 and 300."
  }
}

variable "auth_authorization_servers" {
  description = "Authorization servers listed in the RFC 9728 metadata (QUILT_MCP_AUTH_AUTHORIZATION_SERVERS); empty = the issuer."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for s in var.auth_authorization_servers : can(regex("^https://\\S+$", s))])
    error_message = "auth_authorization_servers must be https:// URLs."
  }
}

variable "auth_max_token_bytes" {
  description = "Longest bearer token accepted (QUILT_MCP_AUTH_MAX_TOKEN_BYTES)."
  type        = number
  nullable    = false
  default     = 8192

  validation {
    condition     = var.auth_max_token_bytes >= 512 && var.auth_max_token_bytes <= 65536
    error_message = "auth_max_token_bytes must be between 512 and 65536."
  }
}

# --- identity --------------------------------------------------------------------------------

variable "role_mode" {
  description = "per-user (default): each request assumes an allow-listed data role and the task role can do nothing else; the category policies are exported for those roles. single-tenant: every request uses the task role, which then holds the category policies (QUILT_MCP_ROLE_MODE)."
  type        = string
  nullable    = false
  default     = "per-user"

  validation {
    condition     = contains(["per-user", "single-tenant"], var.role_mode)
    error_message = "role_mode must be per-user or single-tenant."
  }
}

variable "role_claim" {
  description = "Token claim holding the role ARN(s) a principal may use (QUILT_MCP_ROLE_CLAIM)."
  type        = string
  nullable    = false
  default     = "quilt_role_arns"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/-]{1,256}$", var.role_claim))
    error_message = "role_claim must be 1-256 characters of letters, digits and _.:/-."
  }
}

variable "default_role_arn" {
  description = "Role used when a token has no role claim (QUILT_MCP_DEFAULT_ROLE_ARN); must match allowed_role_arns."
  type        = string
  default     = null

  validation {
    condition     = var.default_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@/_-]{1,512}$", var.default_role_arn))
    error_message = "default_role_arn must be an IAM role ARN without wildcards."
  }
}

variable "allowed_role_arns" {
  description = "Role ARNs (or patterns with * inside a path segment) web principals may assume (QUILT_MCP_ALLOWED_ROLE_ARNS); the task role may assume, tag and set the source identity on exactly these. Required in per-user mode."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for r in var.allowed_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@/_*-]{1,512}$", r))])
    error_message = "allowed_role_arns must be IAM role ARNs of a named account (a * may stand within the role name or path)."
  }

  validation {
    # A bare wildcard name would let the task role assume every role of the account that trusts it.
    condition     = alltrue([for r in var.allowed_role_arns : !can(regex(":role/[*/]*$", r))])
    error_message = "allowed_role_arns must not be a bare wildcard (role/*): name the data roles or a prefix of them."
  }
}

variable "session_tag_claims" {
  description = "Extra STS session tags from verified claims as TagKey=claim (QUILT_MCP_SESSION_TAG_CLAIMS). QuiltMcpSubject and QuiltMcpClient are always sent; the task role may send exactly these keys."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for t in var.session_tag_claims : can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}=[A-Za-z0-9_.:/-]{1,128}$", t))])
    error_message = "session_tag_claims must be TagKey=claim pairs."
  }
}

variable "sts_duration_seconds" {
  description = "Per-user session length (QUILT_MCP_STS_DURATION_SECONDS); role chaining caps it at 3600."
  type        = number
  nullable    = false
  default     = 3600

  validation {
    condition     = var.sts_duration_seconds >= 900 && var.sts_duration_seconds <= 3600
    error_message = "sts_duration_seconds must be between 900 and 3600."
  }
}

variable "credential_cache_size" {
  description = "Most per-user credential sets cached per task (QUILT_MCP_CREDENTIAL_CACHE_SIZE)."
  type        = number
  nullable    = false
  default     = 1000

  validation {
    condition     = var.credential_cache_size >= 1 && var.credential_cache_size <= 100000
    error_message = "credential_cache_size must be between 1 and 100000."
  }
}

# --- tools -----------------------------------------------------------------------------------

variable "tool_categories" {
  description = "Enabled tool categories (QUILT_MCP_TOOL_CATEGORIES, policies/categories.json): the server registers their tools and their policies are rendered. Write categories and athena are opt-in."
  type        = list(string)
  nullable    = false
  default     = ["s3-read", "packages-read", "search", "governance", "catalog"]

  validation {
    condition     = length(var.tool_categories) > 0 && alltrue([for c in var.tool_categories : contains(["s3-read", "s3-write", "packages-read", "packages-write", "search", "governance", "athena", "catalog", "admin"], c)])
    error_message = "tool_categories must be a non-empty list of s3-read, s3-write, packages-read, packages-write, search, governance, athena, catalog, admin."
  }
}

variable "buckets" {
  description = "Buckets the tools may touch (QUILT_MCP_BUCKETS); the category policies are rendered for exactly these."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for b in var.buckets : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "buckets must be S3 bucket names."
  }
}

variable "catalog_url" {
  description = "Quilt catalog URL, e.g. https://example.quiltdata.com (QUILT_MCP_CATALOG_URL)."
  type        = string
  default     = null

  validation {
    condition     = var.catalog_url == null || can(regex("^https://[^\\s/]+(/\\S*)?$", var.catalog_url))
    error_message = "catalog_url must be an https:// URL."
  }
}

variable "registry_url" {
  description = "Quilt registry API URL (QUILT_MCP_REGISTRY_URL); null = the catalog's config.json."
  type        = string
  default     = null

  validation {
    condition     = var.registry_url == null || can(regex("^https://[^\\s/]+(/\\S*)?$", var.registry_url))
    error_message = "registry_url must be an https:// URL."
  }
}

variable "registry_audience" {
  description = "Audience the Quilt registry accepts (QUILT_MCP_REGISTRY_AUDIENCE); a token is forwarded only if its aud names both this server and this value."
  type        = string
  default     = null

  validation {
    condition     = var.registry_audience == null || (length(coalesce(var.registry_audience, "-")) <= 2048 && can(regex("^\\S+$", var.registry_audience)))
    error_message = "registry_audience must be 1-2048 characters without spaces."
  }
}

variable "max_read_bytes" {
  description = "Upper bound on bytes a read tool returns in one call (QUILT_MCP_MAX_READ_BYTES)."
  type        = number
  nullable    = false
  default     = 1048576

  validation {
    condition     = var.max_read_bytes >= 1 && var.max_read_bytes <= 10485760
    error_message = "max_read_bytes must be between 1 and 10485760."
  }
}

variable "presign_max_seconds" {
  description = "Longest expiry of a presigned link (QUILT_MCP_PRESIGN_MAX_SECONDS)."
  type        = number
  nullable    = false
  default     = 3600

  validation {
    condition     = var.presign_max_seconds >= 60 && var.presign_max_seconds <= 43200
    error_message = "presign_max_seconds must be between 60 and 43200."
  }
}

variable "permissions_cache_seconds" {
  description = "How long permission discovery results are cached per principal (QUILT_MCP_PERMISSIONS_CACHE_SECONDS)."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.permissions_cache_seconds >= 0 && var.permissions_cache_seconds <= 3600
    error_message = "permissions_cache_seconds must be between 0 and 3600."
  }
}

variable "athena_workgroup" {
  description = "Athena workgroup queries run in (QUILT_MCP_ATHENA_WORKGROUP); the athena policy is scoped to it."
  type        = string
  nullable    = false
  default     = "primary"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.athena_workgroup))
    error_message = "athena_workgroup must be 1-128 characters of letters, digits and ._-."
  }
}

variable "athena_output_location" {
  description = "s3:// prefix for query results when the workgroup does not enforce one (QUILT_MCP_ATHENA_OUTPUT_LOCATION); the athena policy's result bucket and prefix come from it."
  type        = string
  default     = null

  validation {
    condition     = var.athena_output_location == null || can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\\S*)?$", var.athena_output_location))
    error_message = "athena_output_location must be an s3://bucket/prefix URI."
  }
}

variable "athena_max_rows" {
  description = "Most result rows one query call returns (QUILT_MCP_ATHENA_MAX_ROWS)."
  type        = number
  nullable    = false
  default     = 1000

  validation {
    condition     = var.athena_max_rows >= 1 && var.athena_max_rows <= 100000
    error_message = "athena_max_rows must be between 1 and 100000."
  }
}

variable "athena_timeout_seconds" {
  description = "A query still running after this is cancelled (QUILT_MCP_ATHENA_TIMEOUT_SECONDS)."
  type        = number
  nullable    = false
  default     = 45

  validation {
    condition     = var.athena_timeout_seconds >= 1 && var.athena_timeout_seconds <= 900
    error_message = "athena_timeout_seconds must be between 1 and 900."
  }
}

# --- aws -------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region of the buckets, STS, Athena and Glue (AWS_REGION); null = the provider's region."
  type        = string
  default     = null

  validation {
    condition     = var.aws_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "aws_endpoint_url" {
  description = "Custom HTTPS endpoint for every AWS service (AWS_ENDPOINT_URL), e.g. a FIPS or proxy endpoint; null = AWS. Emulator endpoints are for local tests, not deployments."
  type        = string
  default     = null

  validation {
    condition     = var.aws_endpoint_url == null || can(regex("^https://[^\\s/]+(/\\S*)?$", var.aws_endpoint_url))
    error_message = "aws_endpoint_url must be an https:// URL."
  }
}

variable "s3_force_path_style" {
  description = "Path-style S3 addressing (QUILT_MCP_S3_FORCE_PATH_STYLE); only emulators need it."
  type        = bool
  nullable    = false
  default     = false
}

# --- telemetry -------------------------------------------------------------------------------

variable "log_level" {
  description = "Lowest level of JSON log lines (QUILT_MCP_LOG_LEVEL)."
  type        = string
  nullable    = false
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "metrics" {
  description = "emf: counters as CloudWatch Embedded Metric Format log lines, which the alarms read (QUILT_MCP_METRICS); off disables them."
  type        = string
  nullable    = false
  default     = "emf"

  validation {
    condition     = contains(["emf", "off"], var.metrics)
    error_message = "metrics must be emf or off."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics (QUILT_MCP_METRICS_NAMESPACE); modules/observability must use the same."
  type        = string
  nullable    = false
  default     = "QuiltMCP"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace))
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and ._/#:-."
  }
}
