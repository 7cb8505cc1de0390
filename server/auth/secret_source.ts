/**
 * The HS256 signing secrets: from the environment (ECS `secrets` injection; fixed for the task's
 * life), or from Secrets Manager by ARN — AWSCURRENT, plus AWSPREVIOUS during a rotation window —
 * read at start and re-read while the server runs, so a rotation needs no restart (see
 * {@linkcode RotatingHs256Secrets}).
 * @module
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../config/schema.ts";
import type { AwsSettings } from "../aws/settings.ts";

/** The secret could not be obtained or is too weak; the server must not start. */
export class SigningSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningSecretError";
  }
}

function strongEnough(secret: string, what: string): string {
  if (new TextEncoder().encode(secret).length < 32) {
    throw new SigningSecretError(
      `${what} is shorter than 32 bytes; HS256 needs at least 32 random bytes`,
    );
  }
  return secret;
}

/** Accepted HS256 secrets, current first; empty when the deployment verifies with a JWKS. */
export async function loadHs256Secrets(config: Config, settings: AwsSettings): Promise<string[]> {
  if (config.authHs256Secret) {
    const secrets = [strongEnough(config.authHs256Secret, "QUILT_MCP_AUTH_HS256_SECRET")];
    if (config.authHs256SecretPrevious) {
      secrets.push(
        strongEnough(config.authHs256SecretPrevious, "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS"),
      );
    }
    return secrets;
  }
  if (!config.authHs256SecretArn) return [];
  const client = new SecretsManagerClient(settings.clientConfig());
  try {
    return await readSecretStages(config.authHs256SecretArn, secretsManagerReader(client));
  } finally {
    client.destroy();
  }
}

/** Reads one version stage of the secret; undefined when that stage does not exist. */
export type SecretStageReader = (
  arn: string,
  stage: "AWSCURRENT" | "AWSPREVIOUS",
) => Promise<string | undefined>;

/** A reader over a Secrets Manager client (AWSPREVIOUS may be absent; AWSCURRENT may not). */
export function secretsManagerReader(client: SecretsManagerClient): SecretStageReader {
  return async (arn, stage) => {
    try {
      const out = await client.send(
        new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }),
        { abortSignal: AbortSignal.timeout(10_000) },
      );
      return out.SecretString;
    } catch (e) {
      if (stage === "AWSPREVIOUS" && (e as Error).name === "ResourceNotFoundException") {
        return undefined;
      }
      throw new SigningSecretError(
        `cannot read the HS256 secret ${arn} (${stage}): ${(e as Error).name}`,
      );
    }
  };
}

/** The accepted secrets of `arn`, current first, each checked for length. */
export async function readSecretStages(arn: string, read: SecretStageReader): Promise<string[]> {
  const current = await read(arn, "AWSCURRENT");
  if (!current) throw new SigningSecretError(`the HS256 secret ${arn} has no string value`);
  const previous = await read(arn, "AWSPREVIOUS");
  const secrets = [strongEnough(current, "the HS256 secret (AWSCURRENT)")];
  if (previous && previous !== current) {
    secrets.push(strongEnough(previous, "the HS256 secret (AWSPREVIOUS)"));
  }
  return secrets;
}

/** The HMAC keys a verifier tries, and a way to learn new ones after a signature mismatch. */
export interface Hs256KeySource {
  /** The keys accepted now, current first. */
  keys(): readonly Uint8Array[];
  /** Re-reads the secrets after a token matched none of them; true when the keys changed. */
  refreshAfterMismatch(): Promise<boolean>;
}

const encoder = new TextEncoder();

/** Secrets fixed for the process's life (given in the environment). */
export class FixedHs256Secrets implements Hs256KeySource {
  readonly #keys: readonly Uint8Array[];
  constructor(secrets: readonly string[]) {
    this.#keys = secrets.map((s) => encoder.encode(s));
  }
  /** The keys, current first. */
  keys(): readonly Uint8Array[] {
    return this.#keys;
  }
  /** Nothing to re-read. */
  refreshAfterMismatch(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** One re-read of the secret, for logs and tests. */
export interface SecretRefreshEvent {
  readonly reason: "interval" | "signature_mismatch";
  readonly outcome: "ok" | "error";
  /** Whether the accepted secrets changed. */
  readonly changed: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

/** Options of {@linkcode RotatingHs256Secrets}. */
export interface RotatingHs256Options {
  /** Re-read the secret once the keys are this old (on use, in the background). */
  refreshMs: number;
  /** Least time between two re-reads caused by unknown signatures (default 10 s). */
  mismatchCooldownMs?: number;
  now?: () => number;
  onRefresh?: (event: SecretRefreshEvent) => void;
}

/**
 * HS256 secrets read from Secrets Manager and kept current while the server runs: re-read every
 * `refreshMs` (AWSCURRENT and AWSPREVIOUS), and at once (at most every `mismatchCooldownMs`) when a
 * token's signature matches none of the held secrets — so a token signed with a just-promoted
 * secret is accepted without a restart, and a secret that left AWSPREVIOUS stops being accepted
 * within `refreshMs`. A failed re-read keeps the secrets held (they are still the secret); a
 * re-read value shorter than 32 bytes is refused the same way.
 */
export class RotatingHs256Secrets implements Hs256KeySource {
  readonly #read: () => Promise<string[]>;
  readonly #refreshMs: number;
  readonly #mismatchCooldownMs: number;
  readonly #now: () => number;
  readonly #onRefresh: (event: SecretRefreshEvent) => void;
  #secrets: readonly string[];
  #keys: readonly Uint8Array[];
  #readAt: number;
  #lastMismatchRead = -Infinity;
  #inFlight: Promise<boolean> | undefined;

  private constructor(
    initial: readonly string[],
    read: () => Promise<string[]>,
    options: RotatingHs256Options,
  ) {
    this.#read = read;
    this.#refreshMs = options.refreshMs;
    this.#mismatchCooldownMs = options.mismatchCooldownMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#onRefresh = options.onRefresh ?? (() => {});
    this.#secrets = initial;
    this.#keys = initial.map((s) => encoder.encode(s));
    this.#readAt = this.#now();
  }

  /** Reads the secrets once (the server refuses to start when that fails) and keeps them current. */
  static async start(
    arn: string,
    read: SecretStageReader,
    options: RotatingHs256Options,
  ): Promise<RotatingHs256Secrets> {
    const load = () => readSecretStages(arn, read);
    return new RotatingHs256Secrets(await load(), load, options);
  }

  /** The keys accepted now; starts a background re-read when they are `refreshMs` old. */
  keys(): readonly Uint8Array[] {
    if (this.#now() - this.#readAt >= this.#refreshMs && !this.#inFlight) {
      this.#reload("interval").catch(() => {});
    }
    return this.#keys;
  }

  /** Re-reads now unless one ran within the cooldown; true when the accepted secrets changed. */
  async refreshAfterMismatch(): Promise<boolean> {
    if (this.#inFlight) return await this.#inFlight.catch(() => false);
    if (this.#now() - this.#lastMismatchRead < this.#mismatchCooldownMs) return false;
    this.#lastMismatchRead = this.#now();
    return await this.#reload("signature_mismatch").catch(() => false);
  }

  #reload(reason: SecretRefreshEvent["reason"]): Promise<boolean> {
    if (!this.#inFlight) {
      const flight = this.#readOnce(reason).finally(() => {
        if (this.#inFlight === flight) this.#inFlight = undefined;
      });
      this.#inFlight = flight;
    }
    return this.#inFlight;
  }

  async #readOnce(reason: SecretRefreshEvent["reason"]): Promise<boolean> {
    const started = performance.now();
    // A failed read is retried at the next interval, not on every request.
    this.#readAt = this.#now();
    try {
      const secrets = await this.#read();
      const changed = secrets.length !== this.#secrets.length ||
        secrets.some((s, i) => s !== this.#secrets[i]);
      if (changed) {
        this.#secrets = secrets;
        this.#keys = secrets.map((s) => encoder.encode(s));
      }
      this.#onRefresh({
        reason,
        outcome: "ok",
        changed,
        latencyMs: Math.round(performance.now() - started),
      });
      return changed;
    } catch (e) {
      this.#onRefresh({
        reason,
        outcome: "error",
        changed: false,
        latencyMs: Math.round(performance.now() - started),
        error: `${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
      throw e;
    }
  }
}
