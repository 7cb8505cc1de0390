/**
 * AWS SDK clients for the current request context only. Each client signs with the context's own
 * credentials; clients are memoized per context object, so one request reuses them and nothing
 * crosses to another principal. Outside a context there is no client (fail closed).
 * @module
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { GlueClient } from "@aws-sdk/client-glue";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import type { ContextStore, RequestContext } from "../context.ts";
import type { AwsSettings } from "./settings.ts";

/**
 * Name of the user-agent product that carries the request id on every AWS call a request makes:
 * CloudTrail records the user agent (`userAgent`), so an AWS event names the tool call that made it.
 */
export const REQUEST_ID_USER_AGENT = "quilt-mcp-request";

/**
 * The request id as it appears in the user agent (`quilt-mcp-request/<id>`): the AWS SDK allows
 * only token characters there, so anything else (a `:` in a client-chosen X-Request-Id) becomes `-`.
 */
export function userAgentRequestId(requestId: string): string {
  return requestId.replace(/[^A-Za-z0-9._-]/g, "-");
}

type ClientKind = "s3" | "sts" | "iam" | "athena" | "glue";
type ClientOf = {
  s3: S3Client;
  sts: STSClient;
  iam: IAMClient;
  athena: AthenaClient;
  glue: GlueClient;
};

/** Hands out per-context AWS clients. */
export class AwsClients {
  readonly #settings: AwsSettings;
  readonly #contexts: ContextStore;
  readonly #memo = new WeakMap<RequestContext, Partial<ClientOf>>();

  constructor(settings: AwsSettings, contexts: ContextStore) {
    this.#settings = settings;
    this.#contexts = contexts;
  }

  /** The settings clients are built from (region, endpoint). */
  get settings(): AwsSettings {
    return this.#settings;
  }

  /** S3 client of the current context. */
  s3(): S3Client {
    return this.#get("s3");
  }
  /** STS client of the current context. */
  sts(): STSClient {
    return this.#get("sts");
  }
  /** IAM client of the current context. */
  iam(): IAMClient {
    return this.#get("iam");
  }
  /** Athena client of the current context. */
  athena(): AthenaClient {
    return this.#get("athena");
  }
  /** Glue client of the current context. */
  glue(): GlueClient {
    return this.#get("glue");
  }

  #get<K extends ClientKind>(kind: K): ClientOf[K] {
    const context = this.#contexts.current(`an AWS ${kind} client`);
    let clients = this.#memo.get(context);
    if (!clients) {
      clients = {};
      this.#memo.set(context, clients);
    }
    const existing = clients[kind];
    if (existing) return existing;
    const base = {
      ...this.#settings.clientConfig(context.aws.credentials),
      maxAttempts: 3,
      customUserAgent: [[REQUEST_ID_USER_AGENT, userAgentRequestId(context.requestId)]] as [
        string,
        string,
      ][],
    };
    const created = {
      // followRegionRedirects: a configured bucket may live in another region than the server.
      s3: () =>
        new S3Client({
          ...base,
          forcePathStyle: this.#settings.forcePathStyle,
          followRegionRedirects: true,
        }),
      sts: () => new STSClient(base),
      iam: () => new IAMClient(base),
      athena: () => new AthenaClient(base),
      glue: () => new GlueClient(base),
    }[kind]() as ClientOf[K];
    clients[kind] = created;
    return created;
  }
}
