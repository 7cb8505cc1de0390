# One variable per non-secret server setting of server/config/schema.ts (`deno run
# server/config/describe.ts` prints it), named by the snake_case of the setting key and passed to
# the container by the setting's environment name (settings.tf). tests/terraform/settings_test.ts
# proves the two agree. Three settings are fixed by this module instead: QUILT_MCP_TRANSPORT
# (http), QUILT_MCP_USE_QUILT3_LOGIN (false: stdio only) and the HS256 secret values, which only
# reach the container through ECS secrets (variables.tf).
# Validations are the schema's, tightened where a deployment demands more (https URLs, port 0).

# --- server ----------------------------------------------------------------------------------

variable "host" {
  description = "Address the HTTP server binds inside the container (QUILT_MCP_HOST); 0.0.0.0 behind the load balancer."
  type        = string
  default     = "0.0.0.0"

  validation {
    condition     = can(regex("^[A-Za-z0-9.:\\[\\]-]{1,253}$", var.host))
    error_message = "host must be an address or host name."
  }
}

variable "port" {
  description = "Container port of the HTTP server (QUILT_MCP_PORT); the target group and security groups follow it."
  type        = number
  default     = 8080

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port must be an integer between 1 and 65535 (0, a random port, cannot be load balanced)."
  }
}

variable "public_url" {
  description = "The exact public HTTPS URL of the MCP endpoint, e.g. https://mcp.example.com/mcp (QUILT_MCP_PUBLIC_URL): the OAuth resource identifier and default token audience. Its host and path also make the listener rule."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)+$", var.public_url))
    error_message = "public_url must be an https:// URL with a host and a path such as /mcp (no query, no trailing slash)."
  }
}

variable "allowed_origins" {
  description = "Browser origins allowed to call the MCP endpoint (QUILT_MCP_ALLOWED_ORIGINS); other Origins get 403."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", o))])
    error_message = "allowed_origins must be origins such as https://claude.ai (scheme, host, optional port)."
  }
}

variable "allowed_hosts" {
  description = "Host header values accepted on the MCP endpoint (QUILT_MCP_ALLOWED_HOSTS); empty = the public URL's host."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for h in var.allowed_hosts : can(regex("^[A-Za-z0-9.-]+(:[0-9]{1,5})?$", h))])
    error_message = "allowed_hosts must be host names with an optional port."
  }
}

variable "max_body_bytes" {
  description = "Largest accepted request body in bytes (QUILT_MCP_MAX_BODY_BYTES); larger ones get 413. The WAF lets MCP bodies past its 8 KB rule because this limit applies."
  type        = number
  default     = 1048576

  validation {
    condition     = var.max_body_bytes >= 1024 && var.max_body_bytes <= 16777216
    error_message = "max_body_bytes must be between 1024 and 16777216."
  }
}

variable "rate_limit_per_minute" {
  description = "Sustained requests per minute per principal (QUILT_MCP_RATE_LIMIT_PER_MINUTE); excess gets 429."
  type        = number
  default     = 300

  validation {
    condition     = var.rate_limit_per_minute >= 1 && var.rate_limit_per_minute <= 100000
    error_message = "rate_limit_per_minute must be between 1 and 100000."
  }
}

variable "rate_limit_burst" {
  description = "Requests a principal may send in a burst (QUILT_MCP_RATE_LIMIT_BURST)."
  type        = number
  default     = 60

  validation {
    condition     = var.rate_limit_burst >= 1 && var.rate_limit_burst <= 100000
    error_message = "rate_limit_burst must be between 1 and 100000."
  }
}

variable "drain_timeout_seconds" {
  description = "Seconds in-flight requests may finish after SIGTERM (QUILT_MCP_DRAIN_TIMEOUT_SECONDS); must be below stop_timeout."
  type        = number
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
  default     = []

  validation {
    condition     = alltrue([for s in var.auth_required_scopes : can(regex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$", s))])
    error_message = "auth_required_scopes must be scope tokens (printable ASCII without spaces, quotes or backslashes)."
  }
}

variable "auth_clock_tolerance_seconds" {
  description = "Allowed clock skew for exp/nbf/iat (QUILT_MCP_AUTH_CLOCK_TOLERANCE_SECONDS)."
  type        = number
  default     = 30

  validation {
    condition     = var.auth_clock_tolerance_seconds >= 0 && var.auth_clock_tolerance_seconds <= 300
    error_message = "auth_clock_tolerance_seconds must be between 0 and 300."
  }
}

variable "auth_authorization_servers" {
  description = "Authorization servers listed in the RFC 9728 metadata (QUILT_MCP_AUTH_AUTHORIZATION_SERVERS); empty = the issuer."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.auth_authorization_servers : can(regex("^https://\\S+$", s))])
    error_message = "auth_authorization_servers must be https:// URLs."
  }
}

variable "auth_max_token_bytes" {
  description = "Longest bearer token accepted (QUILT_MCP_AUTH_MAX_TOKEN_BYTES)."
  type        = number
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
  default     = "per-user"

  validation {
    condition     = contains(["per-user", "single-tenant"], var.role_mode)
    error_message = "role_mode must be per-user or single-tenant."
  }
}

variable "role_claim" {
  description = "Token claim holding the role ARN(s) a principal may use (QUILT_MCP_ROLE_CLAIM)."
  type        = string
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
  default     = []

  validation {
    condition     = alltrue([for t in var.session_tag_claims : can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}=[A-Za-z0-9_.:/-]{1,128}$", t))])
    error_message = "session_tag_claims must be TagKey=claim pairs."
  }
}

variable "sts_duration_seconds" {
  description = "Per-user session length (QUILT_MCP_STS_DURATION_SECONDS); role chaining caps it at 3600."
  type        = number
  default     = 3600

  validation {
    condition     = var.sts_duration_seconds >= 900 && var.sts_duration_seconds <= 3600
    error_message = "sts_duration_seconds must be between 900 and 3600."
  }
}

variable "credential_cache_size" {
  description = "Most per-user credential sets cached per task (QUILT_MCP_CREDENTIAL_CACHE_SIZE)."
  type        = number
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
  default     = ["s3-read", "packages-read", "search", "governance", "catalog"]

  validation {
    condition     = length(var.tool_categories) > 0 && alltrue([for c in var.tool_categories : contains(["s3-read", "s3-write", "packages-read", "packages-write", "search", "governance", "athena", "catalog"], c)])
    error_message = "tool_categories must be a non-empty list of s3-read, s3-write, packages-read, packages-write, search, governance, athena, catalog."
  }
}

variable "buckets" {
  description = "Buckets the tools may touch (QUILT_MCP_BUCKETS); the category policies are rendered for exactly these."
  type        = list(string)
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
  default     = 1048576

  validation {
    condition     = var.max_read_bytes >= 1 && var.max_read_bytes <= 10485760
    error_message = "max_read_bytes must be between 1 and 10485760."
  }
}

variable "presign_max_seconds" {
  description = "Longest expiry of a presigned link (QUILT_MCP_PRESIGN_MAX_SECONDS)."
  type        = number
  default     = 3600

  validation {
    condition     = var.presign_max_seconds >= 60 && var.presign_max_seconds <= 43200
    error_message = "presign_max_seconds must be between 60 and 43200."
  }
}

variable "permissions_cache_seconds" {
  description = "How long permission discovery results are cached per principal (QUILT_MCP_PERMISSIONS_CACHE_SECONDS)."
  type        = number
  default     = 300

  validation {
    condition     = var.permissions_cache_seconds >= 0 && var.permissions_cache_seconds <= 3600
    error_message = "permissions_cache_seconds must be between 0 and 3600."
  }
}

variable "athena_workgroup" {
  description = "Athena workgroup queries run in (QUILT_MCP_ATHENA_WORKGROUP); the athena policy is scoped to it."
  type        = string
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
  default     = 1000

  validation {
    condition     = var.athena_max_rows >= 1 && var.athena_max_rows <= 100000
    error_message = "athena_max_rows must be between 1 and 100000."
  }
}

variable "athena_timeout_seconds" {
  description = "A query still running after this is cancelled (QUILT_MCP_ATHENA_TIMEOUT_SECONDS)."
  type        = number
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
  default     = false
}

# --- telemetry -------------------------------------------------------------------------------

variable "log_level" {
  description = "Lowest level of JSON log lines (QUILT_MCP_LOG_LEVEL)."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "metrics" {
  description = "emf: counters as CloudWatch Embedded Metric Format log lines, which the alarms read (QUILT_MCP_METRICS); off disables them."
  type        = string
  default     = "emf"

  validation {
    condition     = contains(["emf", "off"], var.metrics)
    error_message = "metrics must be emf or off."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics (QUILT_MCP_METRICS_NAMESPACE); modules/observability must use the same."
  type        = string
  default     = "QuiltMCP"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace))
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and ._/#:-."
  }
}
