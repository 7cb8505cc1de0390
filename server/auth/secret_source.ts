/**
 * The HS256 signing secrets: from the environment (ECS `secrets` injection) or fetched once at start
 * from Secrets Manager by ARN — AWSCURRENT, plus AWSPREVIOUS during a rotation window.
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
    const fetchStage = async (stage: string) => {
      try {
        const out = await client.send(
          new GetSecretValueCommand({ SecretId: config.authHs256SecretArn, VersionStage: stage }),
          { abortSignal: AbortSignal.timeout(10_000) },
        );
        return out.SecretString;
      } catch (e) {
        if (stage === "AWSPREVIOUS" && (e as Error).name === "ResourceNotFoundException") {
          return undefined;
        }
        throw new SigningSecretError(
          `cannot read the HS256 secret ${config.authHs256SecretArn} (${stage}): ${
            (e as Error).name
          }`,
        );
      }
    };
    const current = await fetchStage("AWSCURRENT");
    if (!current) {
      throw new SigningSecretError(
        `the HS256 secret ${config.authHs256SecretArn} has no string value`,
      );
    }
    const previous = await fetchStage("AWSPREVIOUS");
    const secrets = [strongEnough(current, "the HS256 secret (AWSCURRENT)")];
    if (previous && previous !== current) {
      secrets.push(strongEnough(previous, "the HS256 secret (AWSPREVIOUS)"));
    }
    return secrets;
  } finally {
    client.destroy();
  }
}
