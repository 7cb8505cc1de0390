/**
 * The parity fixture in each flavour's spelling: CDK props, CloudFormation parameter values,
 * Terraform module inputs (via modules/parameters.json). @module
 */
import fixture from "./fixture.json" with { type: "json" };
import {
  PARAMETERS,
  PARAMETERS_BY_NAME,
  type ParameterSpec,
} from "../../modules/cdk/lib/parameters.ts";
import { MAP_SEPARATOR } from "../../modules/cloudformation/lib/parameters.ts";

/** The fixture: canonical parameter name → value. */
export const FIXTURE: Readonly<Record<string, unknown>> = Object.fromEntries(
  Object.entries(fixture).filter(([k]) => !k.startsWith("$")),
);

/**
 * Opt-in TLS from the load balancer to the task: the certificate from Secrets Manager (with a
 * `:json-key::` suffix the execution role's policy must strip), the key from SSM.
 */
export const TLS_TO_THE_TASK: Readonly<Record<string, unknown>> = {
  tls_certificate_value_from:
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-tls-AbCdEf:certificate::",
  tls_private_key_value_from: "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/tls-private-key",
};

/** The audit trail's settings away from their defaults. */
export const AUDIT_OPTIONS: Readonly<Record<string, unknown>> = {
  audit_multi_region: false,
  audit_s3_data_events: "read",
  audit_log_retention_in_days: 731,
  audit_bucket_retention_in_days: 3650,
  audit_access_logs_bucket: "acme-access-logs",
};

/** Everything switched on that the fixture leaves off. */
export const FEATURES: Readonly<Record<string, unknown>> = {
  ...FIXTURE,
  ...AUDIT_OPTIONS,
  role_mode: "single-tenant",
  tool_categories: [
    "s3-read",
    "s3-write",
    "packages-read",
    "packages-write",
    "search",
    "governance",
    "athena",
    "catalog",
  ],
  athena_output_location: "s3://acme-athena-results/quilt-mcp/",
  glue_databases: ["genomics", "clinical"],
  allow_internet_egress: true,
  egress_cidr_blocks: ["203.0.113.10/32", "2001:db8::/48"],
  http_redirect: true,
  waf_blocked_ip_cidrs: ["192.0.2.0/24", "2001:db8:dead::/48"],
  waf_allowed_ip_cidrs: ["198.51.100.0/24"],
  waf_anonymous_ip_action: "count",
  auth_jwks_url: null,
  auth_hs256_secret_value_from:
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-hs256-AbCdEf:key:AWSCURRENT:",
  auth_hs256_secret_previous_value_from:
    "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/hs256-previous",
  extra_secrets: {
    PROXY_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:proxy-AbCdEf",
  },
  secrets_kms_key_arns: [
    "arn:aws:kms:us-east-1:123456789012:key/22222222-3333-4444-5555-666666666666",
  ],
  extra_environment: { HTTPS_PROXY: "http://proxy.internal:3128" },
  log_retention_in_days: 731,
  ...TLS_TO_THE_TASK,
};

/** Values every module needs before any run can plan. */
export const TERRAFORM_BASE: Readonly<Record<string, Record<string, unknown>>> = {
  "mcp-server": {
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0123456789abcdef0"],
    listener_arn:
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mcp/0123456789abcdef/0123456789abcdef",
    alb_security_group_id: "sg-0123456789abcdef0",
    container_image: FIXTURE.container_image,
    public_url: FIXTURE.public_url,
    auth_issuer: FIXTURE.auth_issuer,
  },
  alb: {
    internal: false,
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    certificate_arn: FIXTURE.certificate_arn,
  },
  waf: {},
  audit: {},
  observability: {
    load_balancer_arn_suffix: "app/quilt-mcp/0123456789abcdef",
    target_group_arn_suffix: "targetgroup/quilt-mcp/0123456789abcdef",
  },
};

/** Canonical values → CDK props. */
export function cdkProps(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = PARAMETERS_BY_NAME.get(name);
    if (spec === undefined) throw new Error(`fixture names unknown parameter ${name}`);
    if (value !== null) out[spec.cdk] = value;
  }
  return out;
}

/** One canonical value in CloudFormation's parameter spelling. */
export function cfnValue(spec: ParameterSpec, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (spec.type === "map(string)") {
    return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(
      MAP_SEPARATOR,
    );
  }
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/** Canonical values → CloudFormation parameter values. */
export function cfnParameters(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = PARAMETERS_BY_NAME.get(name);
    if (spec === undefined) throw new Error(`unknown parameter ${name}`);
    out[spec.cloudformation] = cfnValue(spec, value);
  }
  return out;
}

/** Where {@linkcode terraformInputs} puts variables of the composition itself (examples/complete). */
export const COMPOSITION = "composition";

/**
 * Canonical values → inputs per Terraform module (`module.variable` of the table); a parameter
 * of the composition itself (`terraform_composition`, e.g. create_audit_trail) goes under
 * {@linkcode COMPOSITION}.
 */
export function terraformInputs(
  values: Readonly<Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of PARAMETERS) {
    if (!(spec.name in values)) continue;
    const targets = spec.terraform.length > 0
      ? spec.terraform
      : [`${COMPOSITION}.${spec.terraform_composition!.split(".").at(-1)}`];
    for (const target of targets) {
      const [module, variable] = target.split(".");
      (out[module] ??= {})[variable] = values[spec.name];
    }
  }
  return out;
}
