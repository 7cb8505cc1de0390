/**
 * The one configuration schema of quilt-mcp: every setting with its environment variable, CLI flag,
 * type, default, validation and description. The loader, `--help`, the generated configuration
 * reference, the Terraform variables and the CDK/CloudFormation parameters all derive from it.
 * @module
 */

/** Value kinds a setting can have. */
export type SettingKind = "string" | "integer" | "boolean" | "enum" | "list" | "url";

/** One setting of the schema. */
export interface Setting {
  /** Field name in the parsed {@linkcode Config}. */
  readonly key: keyof Config;
  /** Environment variable that sets it. */
  readonly env: string;
  /** CLI flag that sets it (overrides the environment). */
  readonly flag: string;
  readonly kind: SettingKind;
  /** Default as the raw string it would be written in the environment; undefined = unset. */
  readonly default?: string;
  readonly description: string;
  /** Allowed values of an enum (or of every item of a list). */
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** A pattern every value (or list item) must match. */
  readonly pattern?: RegExp;
  /** Secret material: never printed, logged or passed as a plain container environment entry. */
  readonly secret?: boolean;
  /** The settings group, for documentation. */
  readonly group: "server" | "auth" | "identity" | "tools" | "telemetry" | "aws";
}

/** Transports the server offers. */
export type Transport = "stdio" | "http";
/** How a web request obtains AWS credentials. */
export type RoleMode = "per-user" | "single-tenant";
/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The parsed, validated and frozen configuration. */
export interface Config {
  readonly transport: Transport;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly allowedOrigins: readonly string[];
  readonly allowedHosts: readonly string[];
  readonly maxBodyBytes: number;
  readonly rateLimitPerMinute: number;
  readonly rateLimitBurst: number;
  readonly drainTimeoutSeconds: number;
  readonly tlsCertificate: string | undefined;
  readonly tlsPrivateKey: string | undefined;
  readonly authIssuer: string | undefined;
  readonly authAudience: string | undefined;
  readonly authJwksUrl: string | undefined;
  readonly authJwksMaxStaleSeconds: number;
  readonly authAlgorithms: readonly string[];
  readonly authHs256Secret: string | undefined;
  readonly authHs256SecretPrevious: string | undefined;
  readonly authHs256SecretArn: string | undefined;
  readonly authHs256SecretRefreshSeconds: number;
  readonly authRequiredScopes: readonly string[];
  readonly authClockToleranceSeconds: number;
  readonly authAuthorizationServers: readonly string[];
  readonly authMaxTokenBytes: number;
  readonly roleMode: RoleMode;
  readonly roleClaim: string;
  readonly defaultRoleArn: string | undefined;
  readonly allowedRoleArns: readonly string[];
  readonly sessionTagClaims: readonly string[];
  readonly stsDurationSeconds: number;
  readonly credentialCacheSize: number;
  readonly toolCategories: readonly string[];
  readonly buckets: readonly string[];
  readonly catalogUrl: string | undefined;
  readonly registryUrl: string | undefined;
  readonly registryAudience: string | undefined;
  readonly useQuilt3Login: boolean;
  readonly maxReadBytes: number;
  readonly presignMaxSeconds: number;
  readonly permissionsCacheSeconds: number;
  readonly athenaWorkgroup: string;
  readonly athenaOutputLocation: string | undefined;
  readonly athenaMaxRows: number;
  readonly athenaTimeoutSeconds: number;
  readonly awsRegion: string;
  readonly awsEndpointUrl: string | undefined;
  readonly s3ForcePathStyle: boolean;
  readonly logLevel: LogLevel;
  readonly metrics: "emf" | "off";
  readonly metricsNamespace: string;
  /** Derived from the environment, not a setting: the quilt3 client's data directory (its login). */
  readonly quilt3DataDir: string | undefined;
  /** Derived from the environment, not a setting: the local user name (desktop principal). */
  readonly localUser: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@\/*-]{1,512}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const CLAIM_TAG = /^[A-Za-z0-9_.:\/=+@-]{1,128}=[A-Za-z0-9_.:\/-]{1,128}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Every setting, in documentation order. */
export const SETTINGS: readonly Setting[] = [
  // server
  {
    key: "transport",
    env: "QUILT_MCP_TRANSPORT",
    flag: "--transport",
    kind: "enum",
    choices: ["stdio", "http"],
    default: "stdio",
    group: "server",
    description:
      "stdio for a desktop client (your own AWS credentials); http for web clients with JWT bearer tokens.",
  },
  {
    key: "host",
    env: "QUILT_MCP_HOST",
    flag: "--host",
    kind: "string",
    default: "127.0.0.1",
    pattern: /^[A-Za-z0-9.:\[\]-]{1,253}$/,
    group: "server",
    description: "Address the HTTP server binds (0.0.0.0 in a container behind a load balancer).",
  },
  {
    key: "port",
    env: "QUILT_MCP_PORT",
    flag: "--port",
    kind: "integer",
    default: "8080",
    min: 0,
    max: 65535,
    group: "server",
    description: "TCP port of the HTTP server (0 picks a free port and logs it).",
  },
  {
    key: "publicUrl",
    env: "QUILT_MCP_PUBLIC_URL",
    flag: "--public-url",
    kind: "url",
    group: "server",
    description:
      "The exact public URL of the MCP endpoint (e.g. https://mcp.example.com/mcp): the OAuth resource identifier and default token audience. Required for http.",
  },
  {
    key: "allowedOrigins",
    env: "QUILT_MCP_ALLOWED_ORIGINS",
    flag: "--allowed-origins",
    kind: "list",
    default: "",
    pattern: /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
    group: "server",
    description:
      "Browser origins allowed to call the MCP endpoint (comma-separated). A request with any other Origin gets 403; requests without Origin are not affected.",
  },
  {
    key: "allowedHosts",
    env: "QUILT_MCP_ALLOWED_HOSTS",
    flag: "--allowed-hosts",
    kind: "list",
    default: "",
    pattern: /^[A-Za-z0-9.-]+(:\d{1,5})?$/,
    group: "server",
    description:
      "Host header values accepted on the MCP endpoint (comma-separated; an entry without a port matches any port); empty = the public URL's hostname. Health endpoints skip this check.",
  },
  {
    key: "maxBodyBytes",
    env: "QUILT_MCP_MAX_BODY_BYTES",
    flag: "--max-body-bytes",
    kind: "integer",
    default: "1048576",
    min: 1024,
    max: 16777216,
    group: "server",
    description: "Largest accepted request body; larger ones get 413.",
  },
  {
    key: "rateLimitPerMinute",
    env: "QUILT_MCP_RATE_LIMIT_PER_MINUTE",
    flag: "--rate-limit-per-minute",
    kind: "integer",
    default: "300",
    min: 1,
    max: 100000,
    group: "server",
    description:
      "Sustained requests per minute per principal in this task (token bucket refill; each task counts on its own, so N tasks allow N times this); excess gets 429 with Retry-After.",
  },
  {
    key: "rateLimitBurst",
    env: "QUILT_MCP_RATE_LIMIT_BURST",
    flag: "--rate-limit-burst",
    kind: "integer",
    default: "60",
    min: 1,
    max: 100000,
    group: "server",
    description: "Token bucket size per principal: requests allowed in a burst.",
  },
  {
    key: "drainTimeoutSeconds",
    env: "QUILT_MCP_DRAIN_TIMEOUT_SECONDS",
    flag: "--drain-timeout-seconds",
    kind: "integer",
    default: "25",
    min: 1,
    max: 120,
    group: "server",
    description:
      "On SIGTERM/SIGINT, how long in-flight requests may finish before exit (keep below the ECS stopTimeout).",
  },
  {
    key: "tlsCertificate",
    env: "QUILT_MCP_TLS_CERTIFICATE",
    flag: "--tls-certificate",
    kind: "string",
    secret: true,
    group: "server",
    description:
      "PEM certificate chain (leaf first, not a CA certificate) to serve HTTPS instead of HTTP, with QUILT_MCP_TLS_PRIVATE_KEY: TLS from the load balancer to the task. Injected by ECS `secrets` from Secrets Manager; the load balancer does not validate it, so a self-signed certificate will do.",
  },
  {
    key: "tlsPrivateKey",
    env: "QUILT_MCP_TLS_PRIVATE_KEY",
    flag: "--tls-private-key",
    kind: "string",
    secret: true,
    group: "server",
    description:
      "PEM private key of QUILT_MCP_TLS_CERTIFICATE. Injected by ECS `secrets` from Secrets Manager; never pass it as a plain environment value.",
  },
  // auth
  {
    key: "authIssuer",
    env: "QUILT_MCP_AUTH_ISSUER",
    flag: "--auth-issuer",
    kind: "string",
    pattern: /^\S{1,2048}$/,
    group: "auth",
    description: "Required `iss` of bearer tokens. Required for http.",
  },
  {
    key: "authAudience",
    env: "QUILT_MCP_AUTH_AUDIENCE",
    flag: "--auth-audience",
    kind: "string",
    pattern: /^\S{1,2048}$/,
    group: "auth",
    description:
      "Required `aud` of bearer tokens; defaults to the public URL (tokens minted for another resource are refused).",
  },
  {
    key: "authJwksUrl",
    env: "QUILT_MCP_AUTH_JWKS_URL",
    flag: "--auth-jwks-url",
    kind: "url",
    group: "auth",
    description:
      "JWKS endpoint of the issuer (asymmetric tokens). Either this or an HS256 secret is required for http.",
  },
  {
    key: "authJwksMaxStaleSeconds",
    env: "QUILT_MCP_AUTH_JWKS_MAX_STALE_SECONDS",
    flag: "--auth-jwks-max-stale-seconds",
    kind: "integer",
    default: "86400",
    min: 600,
    max: 604800,
    group: "auth",
    description:
      "How long the last key set fetched from the JWKS keeps verifying tokens while the issuer cannot be reached (stale-if-error); after that, requests get 503 until it answers. Keys are refreshed in the background every 10 minutes and refetched once for an unknown `kid`; the issuer is fetched at most every 5 seconds.",
  },
  {
    key: "authAlgorithms",
    env: "QUILT_MCP_AUTH_ALGORITHMS",
    flag: "--auth-algorithms",
    kind: "list",
    default: "RS256,ES256",
    choices: [
      "RS256",
      "RS384",
      "RS512",
      "PS256",
      "PS384",
      "PS512",
      "ES256",
      "ES384",
      "ES512",
      "EdDSA",
    ],
    group: "auth",
    description:
      "Asymmetric algorithms accepted with the JWKS (pinned; the token's own `alg` never chooses the verifier).",
  },
  {
    key: "authHs256Secret",
    env: "QUILT_MCP_AUTH_HS256_SECRET",
    flag: "--auth-hs256-secret",
    kind: "string",
    secret: true,
    group: "auth",
    description:
      "Shared HS256 signing secret (at least 32 bytes), injected by ECS `secrets` from Secrets Manager. Never pass it as a plain environment value.",
  },
  {
    key: "authHs256SecretPrevious",
    env: "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS",
    flag: "--auth-hs256-secret-previous",
    kind: "string",
    secret: true,
    group: "auth",
    description:
      "The previous HS256 secret, still accepted during a rotation window (at least 32 bytes).",
  },
  {
    key: "authHs256SecretArn",
    env: "QUILT_MCP_AUTH_HS256_SECRET_ARN",
    flag: "--auth-hs256-secret-arn",
    kind: "string",
    pattern: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w\/+=.@-]+$/,
    group: "auth",
    description:
      "Secrets Manager ARN of the HS256 secret, read at start (AWSCURRENT, plus AWSPREVIOUS as the rotation window) and re-read while running (see QUILT_MCP_AUTH_HS256_SECRET_REFRESH_SECONDS).",
  },
  {
    key: "authHs256SecretRefreshSeconds",
    env: "QUILT_MCP_AUTH_HS256_SECRET_REFRESH_SECONDS",
    flag: "--auth-hs256-secret-refresh-seconds",
    kind: "integer",
    default: "300",
    min: 60,
    max: 86400,
    group: "auth",
    description:
      "With QUILT_MCP_AUTH_HS256_SECRET_ARN: how often the running server re-reads the secret (AWSCURRENT and AWSPREVIOUS), so a rotation needs no restart; a token matching none of the held secrets also triggers a re-read (at most every 10 seconds).",
  },
  {
    key: "authRequiredScopes",
    env: "QUILT_MCP_AUTH_REQUIRED_SCOPES",
    flag: "--auth-required-scopes",
    kind: "list",
    default: "",
    pattern: SCOPE,
    group: "auth",
    description:
      "Scopes every token must carry (space-separated `scope` or `scp` claim); a token without them gets 403 insufficient_scope.",
  },
  {
    key: "authClockToleranceSeconds",
    env: "QUILT_MCP_AUTH_CLOCK_TOLERANCE_SECONDS",
    flag: "--auth-clock-tolerance-seconds",
    kind: "integer",
    default: "30",
    min: 0,
    max: 300,
    group: "auth",
    description: "Allowed clock skew for exp/nbf/iat.",
  },
  {
    key: "authAuthorizationServers",
    env: "QUILT_MCP_AUTH_AUTHORIZATION_SERVERS",
    flag: "--auth-authorization-servers",
    kind: "list",
    default: "",
    pattern: /^https?:\/\/\S+$/,
    group: "auth",
    description: "Authorization servers listed in the RFC 9728 metadata; empty = the issuer.",
  },
  {
    key: "authMaxTokenBytes",
    env: "QUILT_MCP_AUTH_MAX_TOKEN_BYTES",
    flag: "--auth-max-token-bytes",
    kind: "integer",
    default: "8192",
    min: 512,
    max: 65536,
    group: "auth",
    description: "Longest bearer token accepted; longer ones are refused before parsing.",
  },
  // identity
  {
    key: "roleMode",
    env: "QUILT_MCP_ROLE_MODE",
    flag: "--role-mode",
    kind: "enum",
    choices: ["per-user", "single-tenant"],
    default: "per-user",
    group: "identity",
    description:
      "per-user: each web request assumes an allow-listed role for its verified principal. single-tenant: every request uses the task role itself (an explicit choice).",
  },
  {
    key: "roleClaim",
    env: "QUILT_MCP_ROLE_CLAIM",
    flag: "--role-claim",
    kind: "string",
    default: "quilt_role_arns",
    pattern: /^[\w.:\/-]{1,256}$/,
    group: "identity",
    description:
      "Token claim holding the role ARN(s) the principal may use (a string or an array).",
  },
  {
    key: "defaultRoleArn",
    env: "QUILT_MCP_DEFAULT_ROLE_ARN",
    flag: "--default-role-arn",
    kind: "string",
    pattern: ROLE_ARN,
    group: "identity",
    description: "Role used when the token has no role claim (must still match the allow-list).",
  },
  {
    key: "allowedRoleArns",
    env: "QUILT_MCP_ALLOWED_ROLE_ARNS",
    flag: "--allowed-role-arns",
    kind: "list",
    default: "",
    pattern: ROLE_ARN,
    group: "identity",
    description:
      "Allow-list of role ARN patterns (`*` matches within a path segment) a web principal may assume. Required in per-user mode.",
  },
  {
    key: "sessionTagClaims",
    env: "QUILT_MCP_SESSION_TAG_CLAIMS",
    flag: "--session-tag-claims",
    kind: "list",
    default: "",
    pattern: CLAIM_TAG,
    group: "identity",
    description:
      "Extra STS session tags from verified claims, as TagKey=claim pairs (comma-separated). QuiltMcpSubject and QuiltMcpClient are always sent.",
  },
  {
    key: "stsDurationSeconds",
    env: "QUILT_MCP_STS_DURATION_SECONDS",
    flag: "--sts-duration-seconds",
    kind: "integer",
    default: "3600",
    min: 900,
    max: 3600,
    group: "identity",
    description: "Per-user session length; role chaining from a task role caps it at 3600.",
  },
  {
    key: "credentialCacheSize",
    env: "QUILT_MCP_CREDENTIAL_CACHE_SIZE",
    flag: "--credential-cache-size",
    kind: "integer",
    default: "1000",
    min: 1,
    max: 100000,
    group: "identity",
    description: "Most per-user credential sets kept (least recently used evicted).",
  },
  // tools
  {
    key: "toolCategories",
    env: "QUILT_MCP_TOOL_CATEGORIES",
    flag: "--tool-categories",
    kind: "list",
    default: "s3-read,packages-read,search,governance,catalog",
    choices: [
      "s3-read",
      "s3-write",
      "packages-read",
      "packages-write",
      "search",
      "governance",
      "athena",
      "catalog",
      "admin",
    ],
    group: "tools",
    description:
      "Enabled tool categories (policies/categories.json). Read-only ones by default; write categories, athena and admin are opt-in.",
  },
  {
    key: "buckets",
    env: "QUILT_MCP_BUCKETS",
    flag: "--buckets",
    kind: "list",
    default: "",
    pattern: BUCKET,
    group: "tools",
    description:
      "Buckets the tools may touch (comma-separated); empty = any bucket the credentials allow. Listed first by bucket_list.",
  },
  {
    key: "catalogUrl",
    env: "QUILT_MCP_CATALOG_URL",
    flag: "--catalog-url",
    kind: "url",
    group: "tools",
    description:
      "Quilt catalog (e.g. https://example.quiltdata.com) for catalog links and its config.json.",
  },
  {
    key: "registryUrl",
    env: "QUILT_MCP_REGISTRY_URL",
    flag: "--registry-url",
    kind: "url",
    group: "tools",
    description: "Quilt registry API; empty = registryUrl from the catalog's config.json.",
  },
  {
    key: "registryAudience",
    env: "QUILT_MCP_REGISTRY_AUDIENCE",
    flag: "--registry-audience",
    kind: "string",
    pattern: /^\S{1,2048}$/,
    group: "tools",
    description:
      "Audience the Quilt registry accepts. A web token is presented to the registry only if its `aud` names both this server and this value.",
  },
  {
    key: "useQuilt3Login",
    env: "QUILT_MCP_USE_QUILT3_LOGIN",
    flag: "--use-quilt3-login",
    kind: "boolean",
    default: "true",
    group: "tools",
    description: "stdio only: use an existing quilt3 login's credentials when present.",
  },
  {
    key: "maxReadBytes",
    env: "QUILT_MCP_MAX_READ_BYTES",
    flag: "--max-read-bytes",
    kind: "integer",
    default: "1048576",
    min: 1,
    max: 10485760,
    group: "tools",
    description: "Upper bound on bytes a read tool returns in one call.",
  },
  {
    key: "presignMaxSeconds",
    env: "QUILT_MCP_PRESIGN_MAX_SECONDS",
    flag: "--presign-max-seconds",
    kind: "integer",
    default: "3600",
    min: 60,
    max: 43200,
    group: "tools",
    description: "Longest expiry of a presigned link.",
  },
  {
    key: "permissionsCacheSeconds",
    env: "QUILT_MCP_PERMISSIONS_CACHE_SECONDS",
    flag: "--permissions-cache-seconds",
    kind: "integer",
    default: "300",
    min: 0,
    max: 3600,
    group: "tools",
    description: "How long permission discovery results are cached per principal.",
  },
  {
    key: "athenaWorkgroup",
    env: "QUILT_MCP_ATHENA_WORKGROUP",
    flag: "--athena-workgroup",
    kind: "string",
    default: "primary",
    pattern: /^[A-Za-z0-9._-]{1,128}$/,
    group: "tools",
    description: "Athena workgroup queries run in (its result location and limits apply).",
  },
  {
    key: "athenaOutputLocation",
    env: "QUILT_MCP_ATHENA_OUTPUT_LOCATION",
    flag: "--athena-output-location",
    kind: "string",
    pattern: /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?$/,
    group: "tools",
    description: "s3:// prefix for query results when the workgroup does not enforce one.",
  },
  {
    key: "athenaMaxRows",
    env: "QUILT_MCP_ATHENA_MAX_ROWS",
    flag: "--athena-max-rows",
    kind: "integer",
    default: "1000",
    min: 1,
    max: 100000,
    group: "tools",
    description: "Most result rows one call returns.",
  },
  {
    key: "athenaTimeoutSeconds",
    env: "QUILT_MCP_ATHENA_TIMEOUT_SECONDS",
    flag: "--athena-timeout-seconds",
    kind: "integer",
    default: "45",
    min: 1,
    max: 900,
    group: "tools",
    description:
      "A query still running after this is cancelled. Keep it below the client's request timeout and the load balancer's idle timeout (both 60 s by default).",
  },
  // aws
  {
    key: "awsRegion",
    env: "AWS_REGION",
    flag: "--aws-region",
    kind: "string",
    default: "us-east-1",
    pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
    group: "aws",
    description: "AWS region of the buckets, STS, Athena and Glue.",
  },
  {
    key: "awsEndpointUrl",
    env: "AWS_ENDPOINT_URL",
    flag: "--aws-endpoint-url",
    kind: "url",
    group: "aws",
    description:
      "Custom endpoint for every AWS service (an emulator in tests and the demo); empty = AWS.",
  },
  {
    key: "s3ForcePathStyle",
    env: "QUILT_MCP_S3_FORCE_PATH_STYLE",
    flag: "--s3-force-path-style",
    kind: "boolean",
    default: "false",
    group: "aws",
    description: "Path-style S3 addressing (needed by emulators).",
  },
  // telemetry
  {
    key: "logLevel",
    env: "QUILT_MCP_LOG_LEVEL",
    flag: "--log-level",
    kind: "enum",
    choices: ["debug", "info", "warn", "error"],
    default: "info",
    group: "telemetry",
    description: "Lowest level of JSON log lines written to stderr.",
  },
  {
    key: "metrics",
    env: "QUILT_MCP_METRICS",
    flag: "--metrics",
    kind: "enum",
    choices: ["emf", "off"],
    default: "emf",
    group: "telemetry",
    description:
      "emf: counters as CloudWatch Embedded Metric Format lines on stderr (alarms need no PutMetricData). The stdio transport defaults to off unless this is set.",
  },
  {
    key: "metricsNamespace",
    env: "QUILT_MCP_METRICS_NAMESPACE",
    flag: "--metrics-namespace",
    kind: "string",
    default: "QuiltMCP",
    pattern: /^[A-Za-z0-9._\/#:-]{1,255}$/,
    group: "telemetry",
    description: "CloudWatch namespace of the metrics.",
  },
];
