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
    const auth = await readJson<
      Record<string, { access_token: string; refresh_token: string; expires_at: number }>
    >(
      join(dataDir, "auth.json"),
    );
    const entry = registry ? auth?.[registry] : undefined;
    if (!registry || !entry) {
      throw new Quilt3LoginError(
        "the quilt3 login's AWS credentials expired and no registry login is available; run `quilt3 login`",
      );
    }
    let accessToken = entry.access_token;
    if (entry.expires_at < now() / 1000 + 60) {
      const r = await fetchImpl(`${registry}/api/token`, {
        method: "POST",
        body: new URLSearchParams({ refresh_token: entry.refresh_token }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!r.ok) {
        throw new Quilt3LoginError(
          `the Quilt registry refused to refresh the login (${r.status}); run \`quilt3 login\``,
        );
      }
      accessToken = (await r.json()).access_token;
    }
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
