/**
 * `quilt-mcp doctor`: checks the configuration, the local credentials and the reachability of
 * what the server depends on (AWS STS, the configured buckets, the token issuer's JWKS or HS256
 * secret), then says in plain words what the server will do and what is missing. Exit 0 when the
 * server can serve, 1 otherwise. It never prints a secret or a token: findings name settings and
 * sources, never their secret values, and every line passes through the log redactor.
 * @module
 */
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { quilt3LoginProvider, quilt3RegistryUrl } from "./auth/desktop.ts";
import { compileAllowList } from "./auth/roles.ts";
import { loadHs256Secrets } from "./auth/secret_source.ts";
import { type AwsCredentials, AwsSettings, type CredentialProvider } from "./aws/settings.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { resourceMetadataUrl } from "./http/well_known.ts";
import { redact } from "./telemetry/logger.ts";
import { CATEGORIES } from "./tools/categories.ts";
import { enabledTools } from "./tools/registry.ts";

/** How serious a finding is; any `fail` means the server cannot serve. */
export type Severity = "ok" | "info" | "warn" | "fail";

/** One plain-language finding. */
export interface Finding {
  readonly severity: Severity;
  readonly text: string;
}

/** A titled group of findings. */
export interface Section {
  readonly title: string;
  readonly findings: Finding[];
}

/** Most buckets probed one by one (the rest are named as not checked). */
export const MAX_BUCKET_PROBES = 20;
/** Time limit of each network check. */
const CHECK_TIMEOUT_MS = 5000;

const LABEL: Record<Severity, string> = { ok: "ok  ", info: "info", warn: "WARN", fail: "FAIL" };

/** Whether the findings allow the server to serve (no `fail`). */
export function canServe(sections: readonly Section[]): boolean {
  return sections.every((s) => s.findings.every((f) => f.severity !== "fail"));
}

/** The report as text: one line per finding, then the verdict. Redacted (no token ever shows). */
export function renderReport(sections: readonly Section[]): string {
  const lines = ["quilt-mcp doctor: what this configuration will do, and what is missing", ""];
  for (const section of sections) {
    lines.push(section.title);
    for (const f of section.findings) lines.push(`  ${LABEL[f.severity]}  ${f.text}`);
    lines.push("");
  }
  const failures = sections.flatMap((s) => s.findings).filter((f) => f.severity === "fail").length;
  lines.push(
    failures === 0
      ? "Verdict: the server can serve with this configuration."
      : `Verdict: the server cannot serve yet: fix the ${failures} problem${
        failures === 1 ? "" : "s"
      } marked FAIL above.`,
  );
  return redact(lines.join("\n"));
}

/** Options of {@linkcode doctor}. */
export interface DoctorOptions {
  /** Where the report goes (stdout by default). */
  print?: (text: string) => void;
  /** Outbound HTTP for the JWKS and issuer checks (injectable). */
  fetch?: typeof fetch;
}

/**
 * Runs every check for the command line `args` and environment `env` (as main.ts passes them),
 * prints the report and resolves with the exit code: 0 when the server can serve, 1 otherwise.
 */
export async function doctor(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: DoctorOptions = {},
): Promise<number> {
  const print = options.print ?? ((text: string) => console.log(text));
  const sections = await diagnose(args, env, options.fetch ?? fetch);
  print(renderReport(sections));
  return canServe(sections) ? 0 : 1;
}

/** Runs the checks and returns the findings (no printing). */
export async function diagnose(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  fetchImpl: typeof fetch = fetch,
): Promise<Section[]> {
  let config: Config;
  try {
    config = loadConfig(args, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return [configurationProblems(e)];
  }
  const sections: Section[] = [plan(config)];
  const settings = new AwsSettings(config);
  try {
    const credentials = await credentialsSection(config, env);
    sections.push(credentials.section);
    sections.push(await awsSection(config, settings, credentials.provider));
    if (config.transport === "http") sections.push(await tokenSection(config, settings, fetchImpl));
  } finally {
    settings.requestHandler.destroy();
  }
  return sections;
}

// ---- configuration ------------------------------------------------------------------------------

function configurationProblems(e: ConfigError): Section {
  const findings: Finding[] = e.problems.map((problem) => ({
    severity: "fail",
    text: `The server would refuse to start: ${problem}.`,
  }));
  if (e.problems.some((p) => p.startsWith("http transport refuses to start"))) {
    findings.push({
      severity: "info",
      text:
        "HTTP mode always needs QUILT_MCP_PUBLIC_URL, QUILT_MCP_AUTH_ISSUER and one token verifier (QUILT_MCP_AUTH_JWKS_URL, or an HS256 secret); there is no switch to turn authentication off. For a desktop client use --transport stdio instead.",
    });
  }
  findings.push({
    severity: "info",
    text: "Every setting is listed by `quilt-mcp --help` and in docs/configuration.md.",
  });
  return { title: "Configuration", findings };
}

/** What the server will do with a valid configuration (no I/O). */
export function plan(config: Config): Section {
  const findings: Finding[] = [{ severity: "ok", text: "The configuration is valid." }];
  if (config.transport === "stdio") {
    findings.push({
      severity: "info",
      text:
        "Transport stdio: a desktop client (Claude Desktop, VS Code, Cursor) starts quilt-mcp and talks to it over stdin/stdout. It acts as you, with your own AWS credentials.",
    });
  } else {
    findings.push({
      severity: "info",
      text:
        `Transport http: quilt-mcp listens on ${config.host}:${config.port} and serves MCP at ${config.publicUrl} to web clients that send a bearer token.`,
    });
    const verifier = config.authJwksUrl
      ? `signed with a key from the JWKS at ${config.authJwksUrl} (algorithms ${
        config.authAlgorithms.join(", ")
      })`
      : config.authHs256SecretArn
      ? `signed with the HS256 secret stored in Secrets Manager (${config.authHs256SecretArn})`
      : "signed with the HS256 secret given in QUILT_MCP_AUTH_HS256_SECRET (not shown)";
    findings.push({
      severity: "info",
      text:
        `Tokens must be issued by ${config.authIssuer} for the audience ${config.authAudience}, ${verifier}${
          config.authRequiredScopes.length > 0
            ? `, and carry the scopes ${config.authRequiredScopes.join(" ")}`
            : ""
        }.`,
    });
    findings.push({
      severity: "info",
      text: `Clients discover the authorization server from ${resourceMetadataUrl(config)}.`,
    });
    if (config.roleMode === "per-user") {
      findings.push({
        severity: "info",
        text:
          `Per-user roles: each request assumes the role named by the token's "${config.roleClaim}" claim${
            config.defaultRoleArn ? ` (or, without the claim, ${config.defaultRoleArn})` : ""
          }, if it matches one of the ${config.allowedRoleArns.length} allow-listed pattern(s) in QUILT_MCP_ALLOWED_ROLE_ARNS.`,
      });
      if (config.defaultRoleArn) {
        const allowed = compileAllowList(config.allowedRoleArns).some((re) =>
          re.test(config.defaultRoleArn!)
        );
        if (!allowed) {
          findings.push({
            severity: "warn",
            text:
              `QUILT_MCP_DEFAULT_ROLE_ARN (${config.defaultRoleArn}) matches no pattern of QUILT_MCP_ALLOWED_ROLE_ARNS: tokens without a role claim will get 403 (role_not_allowed).`,
          });
        }
      } else {
        findings.push({
          severity: "info",
          text:
            `No QUILT_MCP_DEFAULT_ROLE_ARN: a token without the "${config.roleClaim}" claim gets 403 (role_not_allowed).`,
        });
      }
    } else {
      findings.push({
        severity: "warn",
        text:
          "Single-tenant mode (QUILT_MCP_ROLE_MODE=single-tenant): every caller acts with this process's own AWS identity and shares its permissions.",
      });
    }
  }
  const tools = enabledTools(new Set(config.toolCategories));
  const categories = config.toolCategories.map((c) => {
    const n = tools.filter((t) => t.category === c).length;
    return `${c} (${n} tool${n === 1 ? "" : "s"})`;
  });
  findings.push({
    severity: "info",
    text: `Tool categories: ${categories.join(", ")}: ${tools.length} tools in total.`,
  });
  const writing = config.toolCategories.filter((c) => CATEGORIES[c]?.writes);
  if (writing.length > 0) {
    findings.push({
      severity: "info",
      text: `Write tools are enabled (${
        writing.join(", ")
      }): assistants can change data the credentials may write.`,
    });
  }
  findings.push({
    severity: "info",
    text: config.buckets.length > 0
      ? `Buckets: ${config.buckets.join(", ")}.`
      : "Buckets: any bucket the credentials allow (QUILT_MCP_BUCKETS is empty).",
  });
  return { title: "What the server will do", findings };
}

// ---- credentials --------------------------------------------------------------------------------

function timeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
      CHECK_TIMEOUT_MS,
    );
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** Where the AWS default chain will most likely find credentials, from the environment. */
function defaultChainSource(env: Readonly<Record<string, string | undefined>>): string {
  if (env.AWS_ACCESS_KEY_ID) return "environment variables (AWS_ACCESS_KEY_ID)";
  if (env.AWS_PROFILE) return `the AWS profile "${env.AWS_PROFILE}" (AWS_PROFILE)`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)";
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return "the container's task role (ECS)";
  }
  return "the default AWS profile, SSO session, credential process or instance role";
}

function expiryNote(c: AwsCredentials): string {
  if (!c.expiration) return "";
  const minutes = Math.round((c.expiration.getTime() - Date.now()) / 60_000);
  return minutes >= 0 ? `; they expire in ${minutes} min` : "; they have expired";
}

async function credentialsSection(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ section: Section; provider?: CredentialProvider }> {
  const findings: Finding[] = [];
  const section: Section = { title: "Credentials", findings };
  if (config.transport === "stdio" && config.useQuilt3Login && config.quilt3DataDir) {
    let login: CredentialProvider | undefined;
    try {
      login = await quilt3LoginProvider(config.quilt3DataDir);
    } catch (e) {
      findings.push({
        severity: "warn",
        text: `The quilt3 login in ${config.quilt3DataDir} cannot be read (${
          (e as Error).message
        }); falling back to the AWS default chain.`,
      });
    }
    if (login) {
      const registry = await quilt3RegistryUrl(config.quilt3DataDir);
      try {
        const c = await timeout(login(), "the Quilt registry");
        findings.push({
          severity: "ok",
          text: `A quilt3 login was found (${config.quilt3DataDir}${
            registry ? `, registry ${registry}` : ""
          }): the server uses its AWS credentials${expiryNote(c)}.`,
        });
        return { section, provider: login };
      } catch (e) {
        findings.push({
          severity: "fail",
          text: `A quilt3 login was found but its AWS credentials cannot be used: ${
            (e as Error).message
          }`,
        });
        return { section };
      }
    }
    findings.push({
      severity: "info",
      text: `No quilt3 login in ${config.quilt3DataDir}; using the AWS default credential chain.`,
    });
  } else if (config.transport === "stdio" && !config.useQuilt3Login) {
    findings.push({
      severity: "info",
      text: "quilt3 login is ignored (QUILT_MCP_USE_QUILT3_LOGIN=false).",
    });
  }
  const source = defaultChainSource(env);
  const provider = fromNodeProviderChain() as CredentialProvider;
  try {
    const c = await timeout(provider(), "the AWS credential chain");
    const whose = config.transport === "http"
      ? config.roleMode === "per-user"
        ? "the server's own identity (it signs the STS AssumeRole calls for each user)"
        : "the identity every request uses (single-tenant)"
      : "your identity";
    findings.push({
      severity: c.expiration && c.expiration.getTime() < Date.now() ? "fail" : "ok",
      text: `AWS credentials found, most likely from ${source}: ${whose}${expiryNote(c)}.`,
    });
    return { section, provider };
  } catch (e) {
    findings.push({
      severity: "fail",
      text: `No AWS credentials were found (looked for ${source}; ${
        (e as Error).message.split("\n")[0]
      }).`,
    });
    findings.push({
      severity: "info",
      text: config.transport === "stdio"
        ? "Set AWS_PROFILE to a configured profile, run `aws sso login` (or `aws configure`), export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `quilt3 login`."
        : "On ECS the task role provides them; elsewhere set AWS_PROFILE or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables.",
    });
    return { section };
  }
}

// ---- AWS reachability ---------------------------------------------------------------------------

function awsEndpoint(config: Config, service: "sts" | "s3"): string {
  return config.awsEndpointUrl ?? `https://${service}.${config.awsRegion}.amazonaws.com`;
}

function isNetworkError(e: unknown): boolean {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: unknown };
  if (e instanceof TypeError) return true;
  if (["TimeoutError", "AbortError", "ECONNREFUSED", "ENOTFOUND"].includes(err?.name ?? "")) {
    return true;
  }
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|connect|socket|did not answer/i.test(
    `${err?.code ?? ""} ${err?.message ?? ""}`,
  );
}

/** A failure in plain words: network causes are described, AWS errors keep their name. */
function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string; message?: string };
  const text = `${err?.code ?? ""} ${err?.message ?? ""} ${
    (err as { cause?: Error })?.cause?.message ?? ""
  }`;
  if (/dns error|failed to lookup|ENOTFOUND|EAI_AGAIN|name resolution/i.test(text)) {
    return "the host name does not resolve";
  }
  if (/ECONNREFUSED|connection refused/i.test(text)) return "connection refused";
  if (/timed? ?out|TimeoutError|did not answer/i.test(`${err?.name} ${text}`)) {
    return "no answer in time";
  }
  if (/certificate|tls|ssl/i.test(text)) return "TLS or certificate error";
  if (e instanceof TypeError) return "network error";
  return err?.Code ?? err?.code ?? err?.name ?? "Error";
}

async function awsSection(
  config: Config,
  settings: AwsSettings,
  provider: CredentialProvider | undefined,
): Promise<Section> {
  const findings: Finding[] = [];
  const section: Section = { title: `AWS (region ${config.awsRegion})`, findings };
  if (!provider) {
    findings.push({
      severity: "info",
      text: "STS and S3 were not checked: there are no credentials to check them with.",
    });
    return section;
  }
  const sts = new STSClient({ ...settings.clientConfig(provider), maxAttempts: 1 });
  try {
    const me = await timeout(
      sts.send(new GetCallerIdentityCommand({}), {
        abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      }),
      "AWS STS",
    );
    findings.push({
      severity: "ok",
      text: `AWS STS at ${
        awsEndpoint(config, "sts")
      } answers: the credentials belong to ${me.Arn}.`,
    });
  } catch (e) {
    findings.push({
      severity: "fail",
      text: isNetworkError(e)
        ? `AWS STS at ${awsEndpoint(config, "sts")} is unreachable (${errorName(e)}): ${
          config.transport === "http"
            ? "/readyz would report not ready and per-user roles cannot be assumed"
            : "no tool could reach AWS"
        }. Check the network, proxy, VPC endpoints or AWS_ENDPOINT_URL.`
        : `AWS STS rejected the credentials (${errorName(e)}): they are invalid or expired.`,
    });
    return section;
  } finally {
    sts.destroy();
  }
  if (config.transport === "http" && config.roleMode === "per-user") {
    findings.push({
      severity: "info",
      text:
        "Bucket access is not checked here: in per-user mode each request reaches S3 through the role assumed for its caller, at request time.",
    });
    return section;
  }
  if (config.buckets.length === 0) {
    findings.push({
      severity: "info",
      text: "No buckets configured (QUILT_MCP_BUCKETS): nothing to probe.",
    });
    return section;
  }
  const s3 = new S3Client({
    ...settings.clientConfig(provider),
    forcePathStyle: settings.forcePathStyle,
    maxAttempts: 1,
  });
  try {
    for (const bucket of config.buckets.slice(0, MAX_BUCKET_PROBES)) {
      findings.push(await probeBucket(s3, bucket));
    }
  } finally {
    s3.destroy();
  }
  if (config.buckets.length > MAX_BUCKET_PROBES) {
    findings.push({
      severity: "info",
      text: `${config.buckets.length - MAX_BUCKET_PROBES} more bucket(s) not checked.`,
    });
  }
  return section;
}

async function probeBucket(s3: S3Client, bucket: string): Promise<Finding> {
  try {
    await timeout(
      s3.send(new HeadBucketCommand({ Bucket: bucket }), {
        abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      }),
      "S3",
    );
    return { severity: "ok", text: `Bucket ${bucket} is reachable and may be listed.` };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) {
      return {
        severity: "warn",
        text:
          `Bucket ${bucket}: access denied (s3:ListBucket); tools on it will report AccessDenied. See policies/README.md for what each category needs.`,
      };
    }
    if (status === 404) {
      return { severity: "warn", text: `Bucket ${bucket} does not exist.` };
    }
    return {
      severity: "warn",
      text: `Bucket ${bucket} could not be checked (${errorName(e)}).`,
    };
  }
}

// ---- tokens (http) ------------------------------------------------------------------------------

async function tokenSection(
  config: Config,
  settings: AwsSettings,
  fetchImpl: typeof fetch,
): Promise<Section> {
  const findings: Finding[] = [];
  const section: Section = { title: "Token verification", findings };
  if (config.authJwksUrl) {
    findings.push(await probeJwks(config, fetchImpl));
    findings.push(await probeIssuerDiscovery(config, fetchImpl));
    return section;
  }
  if (config.authHs256Secret) {
    findings.push({
      severity: "ok",
      text: `The HS256 secret is set (QUILT_MCP_AUTH_HS256_SECRET, at least 32 bytes; not shown)${
        config.authHs256SecretPrevious
          ? ", and a previous one is accepted during a rotation window (QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS)"
          : ""
      }.`,
    });
    return section;
  }
  try {
    const secrets = await timeout(loadHs256Secrets(config, settings), "AWS Secrets Manager");
    findings.push({
      severity: "ok",
      text: `The HS256 secret ${config.authHs256SecretArn} is readable and at least 32 bytes long${
        secrets.length > 1 ? "; its AWSPREVIOUS version is accepted too (rotation window)" : ""
      } (not shown).`,
    });
  } catch (e) {
    findings.push({
      severity: "fail",
      text: `The HS256 secret cannot be used, so the server would refuse to start: ${
        (e as Error).message
      }`,
    });
  }
  return section;
}

async function probeJwks(config: Config, fetchImpl: typeof fetch): Promise<Finding> {
  const url = config.authJwksUrl!;
  const outage = (why: string): Finding => ({
    severity: "fail",
    text:
      `The issuer's key set (JWKS) at ${url} is unreachable or unusable (${why}): every request would get 503 and /readyz would report not ready.`,
  });
  let body: unknown;
  try {
    const r = await fetchImpl(url, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      headers: { Accept: "application/json" },
    });
    if (!r.ok) {
      await r.body?.cancel();
      return outage(`HTTP ${r.status}`);
    }
    body = await r.json();
  } catch (e) {
    return outage(errorName(e));
  }
  const keys = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return outage("no keys in the document");
  const algs = keys.map((k) => (k as { alg?: string }).alg).filter((a): a is string => !!a);
  const usable = algs.length === 0 || algs.some((a) => config.authAlgorithms.includes(a));
  if (!usable) {
    return {
      severity: "fail",
      text: `The JWKS at ${url} offers only ${
        [...new Set(algs)].join(", ")
      } keys, none of the accepted algorithms (QUILT_MCP_AUTH_ALGORITHMS=${
        config.authAlgorithms.join(",")
      }): every token would be refused.`,
    };
  }
  return {
    severity: "ok",
    text: `The issuer's key set (JWKS) at ${url} is reachable: ${keys.length} key(s)${
      algs.length > 0 ? ` (${[...new Set(algs)].join(", ")})` : ""
    }.`,
  };
}

async function probeIssuerDiscovery(config: Config, fetchImpl: typeof fetch): Promise<Finding> {
  const issuer = config.authIssuer!;
  let base: URL;
  try {
    base = new URL(issuer);
  } catch {
    return {
      severity: "info",
      text: `The issuer ${issuer} is not a URL; its discovery document was not checked.`,
    };
  }
  const url = `${base.href.replace(/\/$/, "")}/.well-known/openid-configuration`;
  try {
    const r = await fetchImpl(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    if (!r.ok) {
      await r.body?.cancel();
      return {
        severity: "info",
        text:
          `The issuer publishes no OpenID discovery document at ${url} (HTTP ${r.status}); that is fine when the JWKS URL is configured directly.`,
      };
    }
    const doc = await r.json() as { issuer?: string; jwks_uri?: string };
    const problems: string[] = [];
    if (doc.issuer !== undefined && doc.issuer !== issuer) {
      problems.push(
        `it names the issuer ${doc.issuer}, but QUILT_MCP_AUTH_ISSUER is ${issuer} (tokens would be refused as wrong_issuer)`,
      );
    }
    if (doc.jwks_uri !== undefined && doc.jwks_uri !== config.authJwksUrl) {
      problems.push(
        `its jwks_uri is ${doc.jwks_uri}, but QUILT_MCP_AUTH_JWKS_URL is ${config.authJwksUrl}`,
      );
    }
    return problems.length > 0
      ? {
        severity: "warn",
        text: `The issuer's discovery document ${url}: ${problems.join("; ")}.`,
      }
      : {
        severity: "ok",
        text:
          `The issuer's discovery document agrees with QUILT_MCP_AUTH_ISSUER and QUILT_MCP_AUTH_JWKS_URL.`,
      };
  } catch (e) {
    return {
      severity: "info",
      text: `The issuer's discovery document ${url} could not be read (${errorName(e)}).`,
    };
  }
}
