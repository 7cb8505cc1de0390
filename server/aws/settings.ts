/** Region, endpoint and addressing every AWS client of the process shares. @module */
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Config } from "../config/schema.ts";

/** AWS credentials as the SDK consumes them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A function the SDK calls for credentials (per-user STS, desktop chain, task role). */
export type CredentialProvider = () => Promise<AwsCredentials>;

/** Shared, credential-free client settings. */
export class AwsSettings {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  /**
   * One connection pool for every client: signing stays per client (per principal), only the
   * sockets are shared, so per-request clients do not pay a TLS handshake each.
   */
  readonly requestHandler: NodeHttpHandler;

  constructor(config: Pick<Config, "awsRegion" | "awsEndpointUrl" | "s3ForcePathStyle">) {
    this.region = config.awsRegion;
    this.endpoint = config.awsEndpointUrl;
    this.forcePathStyle = config.s3ForcePathStyle;
    this.requestHandler = new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 60_000 });
  }

  /** Base config of an AWS SDK v3 client; `credentials` omitted = the SDK's default chain. */
  clientConfig(credentials?: CredentialProvider): {
    region: string;
    endpoint?: string;
    credentials?: CredentialProvider;
    requestHandler: NodeHttpHandler;
  } {
    return {
      region: this.region,
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
      requestHandler: this.requestHandler,
    };
  }
}
