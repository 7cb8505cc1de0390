/**
 * Values derived from validated props that the container and the policies need: the container
 * environment (server settings by their environment names), its secrets, the execution role's
 * secret ARNs without the `valueFrom` suffix, and the listener-rule routes. Pure: mirrors the
 * Terraform module's settings.tf, secrets.tf and main.tf locals.
 * @module
 */
import { PARAMETERS } from "./parameters.ts";

/** Name of the server container in the task definition (as in the Terraform module). */
export const CONTAINER_NAME = "quilt-mcp";

/** Settings the module fixes rather than exposes (stdio-only or secret ones are never here). */
export const FIXED_ENVIRONMENT: Readonly<Record<string, string>> = {
  QUILT_MCP_TRANSPORT: "http",
  QUILT_MCP_USE_QUILT3_LOGIN: "false",
};

/**
 * The plain container environment: every server setting that is set (null values and empty
 * lists are left out so the server applies its own default), lists joined with commas, plus the
 * extra variables. `region` is the deployment's region, used when `awsRegion` is unset.
 */
export function containerEnvironment(
  p: Readonly<Record<string, unknown>>,
  region: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of PARAMETERS) {
    if (spec.environment === undefined) continue;
    let value = p[spec.cdk];
    if (spec.environment === "AWS_REGION") value = value ?? region;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) env[spec.environment] = value.join(",");
    } else {
      env[spec.environment] = String(value);
    }
  }
  return {
    ...((p.extraEnvironment as Record<string, string> | undefined) ?? {}),
    ...env,
    ...FIXED_ENVIRONMENT,
  };
}

/** The container's secrets (name → valueFrom), given references plus a created HS256 secret. */
export function containerSecrets(
  p: Readonly<Record<string, unknown>>,
  createdSecretArn: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {
    ...((p.extraSecrets as Record<string, string> | undefined) ?? {}),
  };
  if (p.authHs256SecretValueFrom !== undefined) {
    out.QUILT_MCP_AUTH_HS256_SECRET = p.authHs256SecretValueFrom as string;
  }
  if (p.authHs256SecretPreviousValueFrom !== undefined) {
    out.QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS = p
      .authHs256SecretPreviousValueFrom as string;
  }
  if (createdSecretArn !== undefined) {
    out.QUILT_MCP_AUTH_HS256_SECRET = createdSecretArn;
  }
  return { ...out, ...tlsSecrets(p) };
}

/**
 * Opt-in TLS to the task: the certificate and key as container secrets (valueFrom only, never
 * plain environment), as the Terraform module's secrets.tf; none when the option is off.
 */
export function tlsSecrets(p: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.tlsCertificateValueFrom !== undefined) {
    out.QUILT_MCP_TLS_CERTIFICATE = p.tlsCertificateValueFrom as string;
  }
  if (p.tlsPrivateKeyValueFrom !== undefined) {
    out.QUILT_MCP_TLS_PRIVATE_KEY = p.tlsPrivateKeyValueFrom as string;
  }
  return out;
}

/**
 * The target group's protocol (traffic and health check): HTTPS when the server serves TLS
 * (tlsCertificateValueFrom; the rule tls_pair guarantees the key too), else HTTP, as the
 * Terraform module's local.target_protocol.
 */
export function targetProtocol(p: Readonly<Record<string, unknown>>): "HTTP" | "HTTPS" {
  return p.tlsCertificateValueFrom !== undefined ? "HTTPS" : "HTTP";
}

/**
 * Secrets Manager ARNs the execution role may read: the first seven ARN fields of each given
 * `valueFrom` (IAM knows no `:json-key:version-stage:version-id` suffix), without duplicates.
 */
export function executionSecretArns(valueFroms: readonly string[]): string[] {
  return [
    ...new Set(
      valueFroms.filter((v) => v.split(":")[2] === "secretsmanager").map((v) =>
        v.split(":").slice(0, 7).join(":")
      ),
    ),
  ];
}

/** SSM parameter ARNs among the given `valueFrom` references. */
export function executionParameterArns(
  valueFroms: readonly string[],
): string[] {
  return [...new Set(valueFroms.filter((v) => v.split(":")[2] === "ssm"))];
}

/** Host and path of the public URL and the paths the listener rule forwards. */
export function routes(
  publicUrl: string,
): { host: string; path: string; paths: string[] } {
  const host = /^https:\/\/([^/:]+)/.exec(publicUrl)![1].toLowerCase();
  const path = /^https:\/\/[^/]+(\/.*)$/.exec(publicUrl)![1];
  return {
    host,
    path,
    paths: [
      path,
      `${path}/*`,
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/*",
    ],
  };
}

/** The ECR repository ARN of an ECR image reference, or undefined for another registry. */
export function ecrRepositoryArn(
  image: string,
  partition: string,
): string | undefined {
  const m = /^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/
    .exec(image);
  return m === null ? undefined : `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}
