/**
 * Desktop (stdio) credentials: an existing quilt3 login when present — its temporary AWS
 * credentials, refreshed through the Quilt registry as quilt3 does — else the AWS SDK's default
 * chain (environment, profile, SSO, process). Read-only: the login files are never rewritten.
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { AwsCredentials, CredentialProvider } from "../aws/settings.ts";

/** quilt3's credentials.json. */
interface Quilt3Credentials {
  access_key: string;
  secret_key: string;
  token: string;
  expiry_time: string | number;
}

/** A quilt3 login that could not be used, with the reason in plain words. */
export class Quilt3LoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Quilt3LoginError";
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT" || e instanceof Deno.errors.NotFound) {
      return undefined;
    }
    throw new Quilt3LoginError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Reads `registryUrl` from quilt3's config.yml (a flat YAML map; only this key is needed). */
export async function quilt3RegistryUrl(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, "config.yml"), "utf8");
  } catch {
    return undefined;
  }
  const match = /^registryUrl:\s*['"]?([^'"\s#]+)['"]?\s*$/m.exec(text);
  return match?.[1];
}

function toCredentials(c: Quilt3Credentials): AwsCredentials {
  const expiration = typeof c.expiry_time === "number"
    ? new Date(c.expiry_time * 1000)
    : new Date(c.expiry_time);
  return {
    accessKeyId: c.access_key,
    secretAccessKey: c.secret_key,
    sessionToken: c.token,
    expiration,
  };
}

/** Credentials from the quilt3 login in `dataDir`, or undefined when there is no login there. */
export async function quilt3LoginProvider(
  dataDir: string,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<CredentialProvider | undefined> {
  const stored = await readJson<Quilt3Credentials>(join(dataDir, "credentials.json"));
  if (!stored?.access_key || !stored.secret_key) return undefined;
  let current = toCredentials(stored);
  let refreshing: Promise<AwsCredentials> | undefined;

  const refresh = async (): Promise<AwsCredentials> => {
    const registry = await quilt3RegistryUrl(dataDir);
    if (!registry) {
      throw new Quilt3LoginError(
        "the quilt3 login's AWS credentials expired and no registry is configured; run `quilt3 login`",
      );
    }
    const accessToken = await quilt3AccessToken(dataDir, registry, fetchImpl, now);
    const r = await fetchImpl(`${registry}/api/auth/get_credentials`, {
      headers: { Authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!r.ok) {
      throw new Quilt3LoginError(
        `the Quilt registry refused to issue AWS credentials (${r.status}); run \`quilt3 login\``,
      );
    }
    const c = await r.json();
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration),
    };
  };

  return async () => {
    if (current.expiration && current.expiration.getTime() - now() > 60_000) return current;
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    current = await refreshing;
    return current;
  };
}

/** quilt3's auth.json entry for one registry. */
interface Quilt3AuthEntry {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_at?: unknown;
}

/**
 * The quilt3 login's access token for `registryUrl` (auth.json), refreshed through the registry's
 * /api/token when it expires within a minute — as quilt3 itself does. The refreshed token is used
 * in memory only: the login files are never rewritten.
 */
export async function quilt3AccessToken(
  dataDir: string,
  registryUrl: string,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<string> {
  const auth = await readJson<Record<string, Quilt3AuthEntry>>(join(dataDir, "auth.json"));
  const entry = auth?.[registryUrl] ?? auth?.[`${registryUrl}/`];
  if (!entry || typeof entry.access_token !== "string" || entry.access_token === "") {
    throw new Quilt3LoginError(`no quilt3 login for ${registryUrl}; run \`quilt3 login\``);
  }
  if (typeof entry.expires_at !== "number" || entry.expires_at >= now() / 1000 + 60) {
    return entry.access_token;
  }
  if (typeof entry.refresh_token !== "string" || entry.refresh_token === "") {
    throw new Quilt3LoginError(
      `the quilt3 login for ${registryUrl} has expired; run \`quilt3 login\``,
    );
  }
  const r = await fetchImpl(`${registryUrl}/api/token`, {
    method: "POST",
    body: new URLSearchParams({ refresh_token: entry.refresh_token }),
    signal: AbortSignal.timeout(10_000),
  }).catch((e) => {
    throw new Quilt3LoginError(
      `the Quilt registry is unreachable to refresh the login (${(e as Error).message})`,
    );
  });
  const body = r.ok ? await r.json().catch(() => undefined) : undefined;
  if (!r.ok || typeof body?.access_token !== "string") {
    await r.body?.cancel().catch(() => {});
    throw new Quilt3LoginError(
      `the Quilt registry refused to refresh the login (${r.status}); run \`quilt3 login\``,
    );
  }
  return body.access_token;
}

/** Which source desktop credentials come from. */
export type DesktopCredentialSource = "quilt3-login" | "aws-default-chain";

/** The desktop provider: the quilt3 login when enabled and present, else the AWS default chain. */
export async function desktopCredentials(
  options: { useQuilt3Login: boolean; quilt3DataDir: string | undefined; fetch?: typeof fetch },
): Promise<{ provider: CredentialProvider; source: DesktopCredentialSource }> {
  if (options.useQuilt3Login && options.quilt3DataDir) {
    const provider = await quilt3LoginProvider(options.quilt3DataDir, options.fetch);
    if (provider) return { provider, source: "quilt3-login" };
  }
  return { provider: fromNodeProviderChain() as CredentialProvider, source: "aws-default-chain" };
}
