/**
 * Parses the configuration once, from CLI flags over environment variables over defaults, into an
 * immutable {@linkcode Config}. The only module that reads the process environment is main.ts,
 * which hands the environment to {@linkcode loadConfig} as a plain record.
 * @module
 */
import { type Config, type Setting, SETTINGS } from "./schema.ts";

/** Raised when the configuration is invalid; `problems` names every bad or missing setting. */
export class ConfigError extends Error {
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Raw setting values by key, before parsing. */
type RawValues = Partial<Record<keyof Config, string>>;

/** Collects `--flag value` / `--flag=value` pairs of known settings; other arguments are errors. */
export function parseFlags(args: readonly string[]): { raw: RawValues; problems: string[] } {
  const byFlag = new Map(SETTINGS.map((s) => [s.flag, s]));
  const raw: RawValues = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const setting = byFlag.get(flag);
    if (!setting) {
      problems.push(`unknown argument ${JSON.stringify(arg)} (see --help)`);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (setting.kind === "boolean" && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
      value = "true";
    } else value = args[++i];
    if (value === undefined) problems.push(`${flag} needs a value`);
    else raw[setting.key] = value;
  }
  return { raw, problems };
}

function describe(s: Setting): string {
  return `${s.env} (${s.flag})`;
}

function parseValue(s: Setting, text: string, problems: string[]): unknown {
  const bad = (why: string) => {
    // Secret values are never echoed back, even in an error.
    const shown = s.secret ? "<redacted>" : JSON.stringify(text.slice(0, 200));
    problems.push(`${describe(s)}: ${why} (got ${shown})`);
    return undefined;
  };
  switch (s.kind) {
    case "integer": {
      if (!/^-?\d+$/.test(text.trim())) return bad("must be an integer");
      const n = Number(text.trim());
      if (s.min !== undefined && n < s.min) return bad(`must be at least ${s.min}`);
      if (s.max !== undefined && n > s.max) return bad(`must be at most ${s.max}`);
      return n;
    }
    case "boolean": {
      const t = text.trim().toLowerCase();
      if (["true", "1", "yes"].includes(t)) return true;
      if (["false", "0", "no"].includes(t)) return false;
      return bad("must be true or false");
    }
    case "enum":
      if (!s.choices?.includes(text.trim())) return bad(`must be one of ${s.choices?.join(", ")}`);
      return text.trim();
    case "list": {
      const items = text.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
      for (const item of items) {
        if (s.choices && !s.choices.includes(item)) {
          return bad(`${JSON.stringify(item)} is not one of ${s.choices.join(", ")}`);
        }
        if (s.pattern && !s.pattern.test(item)) return bad(`${JSON.stringify(item)} is malformed`);
      }
      return Object.freeze([...new Set(items)]);
    }
    case "url": {
      const t = text.trim();
      if (t === "") return undefined;
      try {
        const u = new URL(t);
        if (u.protocol !== "https:" && u.protocol !== "http:") return bad("must be an http(s) URL");
        if (u.username || u.password) return bad("must not carry credentials");
        return t;
      } catch {
        return bad("must be a URL");
      }
    }
    case "string": {
      if (text === "") return undefined;
      if (s.pattern && !s.pattern.test(text)) return bad("is malformed");
      return text;
    }
  }
}

const LOOPBACK: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A web token is shown to the Quilt registry only when its `aud` names the registry audience as well
 * as this server. If the registry audience were one of this server's own identifiers, every token
 * accepted here would qualify and be forwarded: token passthrough made unconditional. Refused.
 */
function registryAudienceProblem(c: Record<string, unknown>, problems: string[]): void {
  const registry = c.registryAudience as string | undefined;
  if (registry === undefined) return;
  const own: Array<[string, string | undefined]> = [
    [
      "QUILT_MCP_AUTH_AUDIENCE (the token audience; defaults to QUILT_MCP_PUBLIC_URL)",
      (c.authAudience ?? c.publicUrl) as string | undefined,
    ],
    ["QUILT_MCP_PUBLIC_URL (this server's resource identifier)", c.publicUrl as string | undefined],
  ];
  for (const [name, value] of own) {
    if (value !== undefined && value === registry) {
      problems.push(
        `QUILT_MCP_REGISTRY_AUDIENCE equals ${name}: every token accepted here would be forwarded to the Quilt registry (token passthrough); set it to the registry's own audience, or unset it`,
      );
      return;
    }
  }
}

/** HTTPS needs both a PEM certificate chain and its PEM private key, and the http transport. */
function tlsProblems(c: Record<string, unknown>, problems: string[]): void {
  const cert = c.tlsCertificate as string | undefined;
  const key = c.tlsPrivateKey as string | undefined;
  if (cert === undefined && key === undefined) return;
  if (cert === undefined || key === undefined) {
    problems.push(
      "QUILT_MCP_TLS_CERTIFICATE and QUILT_MCP_TLS_PRIVATE_KEY go together (HTTPS needs both)",
    );
    return;
  }
  if (c.transport !== "http") {
    problems.push("QUILT_MCP_TLS_CERTIFICATE applies to the http transport only");
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(cert)) {
    problems.push("QUILT_MCP_TLS_CERTIFICATE must be a PEM certificate chain");
  }
  // The key's text is never echoed: only whether it looks like a PEM private key.
  if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(key)) {
    problems.push("QUILT_MCP_TLS_PRIVATE_KEY must be a PEM private key");
  }
}

/** Settings that only make sense together: HTTP mode must have a complete auth configuration. */
function crossCheck(c: Record<string, unknown>, problems: string[]): void {
  const secretBytes = (v: unknown) => new TextEncoder().encode(String(v)).length;
  for (const key of ["authHs256Secret", "authHs256SecretPrevious"] as const) {
    if (c[key] !== undefined && secretBytes(c[key]) < 32) {
      const s = SETTINGS.find((x) => x.key === key)!;
      problems.push(`${describe(s)}: an HS256 secret must be at least 32 bytes (it is shorter)`);
    }
  }
  if (c.authHs256SecretPrevious !== undefined && c.authHs256Secret === undefined) {
    problems.push(
      "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS is set without QUILT_MCP_AUTH_HS256_SECRET (the current secret)",
    );
  }
  tlsProblems(c, problems);
  if (c.transport !== "http") return;
  const missing: string[] = [];
  if (!c.publicUrl) missing.push("QUILT_MCP_PUBLIC_URL (--public-url)");
  if (!c.authIssuer) missing.push("QUILT_MCP_AUTH_ISSUER (--auth-issuer)");
  const verifiers = [c.authJwksUrl, c.authHs256Secret, c.authHs256SecretArn].filter((v) => v);
  if (verifiers.length === 0) {
    missing.push(
      "one of QUILT_MCP_AUTH_JWKS_URL, QUILT_MCP_AUTH_HS256_SECRET or QUILT_MCP_AUTH_HS256_SECRET_ARN",
    );
  }
  if (c.roleMode === "per-user" && (c.allowedRoleArns as string[]).length === 0) {
    missing.push(
      "QUILT_MCP_ALLOWED_ROLE_ARNS (per-user role mode; or set QUILT_MCP_ROLE_MODE=single-tenant)",
    );
  }
  if (missing.length > 0) {
    problems.push(
      `http transport refuses to start without authentication: missing ${missing.join(", ")}`,
    );
  }
  if (verifiers.length > 1) {
    problems.push(
      "configure exactly one token verifier: a JWKS URL or an HS256 secret (or its ARN), not both",
    );
  }
  registryAudienceProblem(c, problems);
  if (c.authHs256Secret && c.authHs256SecretArn) {
    problems.push("QUILT_MCP_AUTH_HS256_SECRET and QUILT_MCP_AUTH_HS256_SECRET_ARN are exclusive");
  }
  for (const key of ["publicUrl", "authJwksUrl"] as const) {
    const v = c[key] as string | undefined;
    if (v && new URL(v).protocol === "http:" && !LOOPBACK.has(new URL(v).hostname)) {
      problems.push(
        `${
          key === "publicUrl" ? "QUILT_MCP_PUBLIC_URL" : "QUILT_MCP_AUTH_JWKS_URL"
        } must be https (plain http only on loopback)`,
      );
    }
  }
}

/**
 * Builds the configuration from CLI flags and an environment record. Throws {@linkcode ConfigError}
 * naming every problem at once.
 */
export function loadConfig(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const { raw: fromFlags, problems } = parseFlags(args);
  const values: Record<string, unknown> = {};
  const explicit = new Set<string>();
  for (const s of SETTINGS) {
    const given = fromFlags[s.key] ?? env[s.env];
    if (given !== undefined) explicit.add(s.key);
    const text = given ?? s.default;
    values[s.key] = text === undefined ? undefined : parseValue(s, text, problems);
  }
  // A desktop client's stderr is a person's terminal or log pane: no EMF there unless asked for.
  if (values.transport === "stdio" && !explicit.has("metrics")) values.metrics = "off";
  crossCheck(values, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  if (values.publicUrl) {
    values.authAudience ??= values.publicUrl;
    if ((values.allowedHosts as string[]).length === 0) {
      values.allowedHosts = Object.freeze([new URL(values.publicUrl as string).hostname]);
    }
  }
  values.quilt3DataDir = quilt3DataDir(env);
  values.localUser = env.USER ?? env.LOGNAME ?? env.USERNAME ?? "local";
  if ((values.authAuthorizationServers as string[]).length === 0 && values.authIssuer) {
    values.authAuthorizationServers = Object.freeze([values.authIssuer as string]);
  }
  return Object.freeze(values) as unknown as Config;
}

/** Where quilt3 keeps its login (platformdirs' user_data_dir("Quilt", "QuiltData")). */
function quilt3DataDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const home = env.HOME ?? env.USERPROFILE;
  switch (Deno.build.os) {
    case "darwin":
      return home ? `${home}/Library/Application Support/Quilt` : undefined;
    case "windows":
      return env.LOCALAPPDATA ? `${env.LOCALAPPDATA}\\QuiltData\\Quilt` : undefined;
    default:
      if (env.XDG_DATA_HOME) return `${env.XDG_DATA_HOME}/Quilt`;
      return home ? `${home}/.local/share/Quilt` : undefined;
  }
}

/** A JSON-friendly view of the schema, for docs, Terraform/CDK/CloudFormation parity and --help. */
export function describeSettings(): Array<Record<string, unknown>> {
  return SETTINGS.map((s) => ({
    key: s.key,
    env: s.env,
    flag: s.flag,
    kind: s.kind,
    default: s.default ?? null,
    choices: s.choices ?? null,
    min: s.min ?? null,
    max: s.max ?? null,
    pattern: s.pattern?.source ?? null,
    secret: s.secret ?? false,
    group: s.group,
    description: s.description,
  }));
}
