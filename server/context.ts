/**
 * The request context: who is calling, how, and with which AWS credentials — held in an
 * AsyncLocalStorage for the duration of one HTTP request or one stdio connection's calls. It is the
 * only way tool code reaches identity or AWS; outside a context every accessor fails closed.
 * Every push is matched by exactly one reset; the counters prove it.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CredentialProvider } from "./aws/settings.ts";
import type { ClientType } from "./telemetry/catalog.ts";
import type { Metrics } from "./telemetry/metrics.ts";
import type { Logger } from "./telemetry/logger.ts";

/** The authenticated caller. */
export interface Principal {
  /** Verified subject (web) or the local user (desktop). */
  readonly id: string;
  /** Token issuer (web only). */
  readonly issuer?: string;
  /** Audiences of the verified token (web only): decides whether it may be shown to the registry. */
  readonly audiences?: readonly string[];
}

/** AWS access of a context. */
export interface ContextAws {
  /** Role assumed for this principal; undefined = task role (single-tenant) or desktop credentials. */
  readonly roleArn?: string;
  /**
   * The SourceIdentity and RoleSessionName sent to STS for this principal's session (per-user mode
   * only): CloudTrail shows them on every AWS call made with the credentials, so the audit record
   * carries them to join the two trails.
   */
  readonly sourceIdentity?: string;
  readonly roleSessionName?: string;
  readonly credentials: CredentialProvider;
  /** Called when AWS rejected the credentials, so a cache can forget them. */
  readonly onCredentialError?: (errorName: string) => void;
}

/** Everything a tool may know about the current request. */
export interface RequestContext {
  readonly principal: Principal;
  readonly clientType: ClientType;
  readonly requestId: string;
  readonly aws: ContextAws;
  readonly enabledCategories: ReadonlySet<string>;
  /** The caller's own credential for the Quilt registry (catalog API), filled in by auth. */
  readonly catalog: CatalogCredential;
  /**
   * The tools this request calls, when it carries nothing but `tools/call` requests (HTTP): its
   * fresh McpServer registers only those. Undefined: every enabled tool and resource.
   */
  readonly calledTools?: readonly string[];
}

/** Why a caller has no catalog credential (the tool error code) and what to do about it. */
export type CatalogCredentialProblem =
  | "catalog_credential_missing"
  | "catalog_login_required"
  | "catalog_login_expired";

/** Raised by a CatalogCredential when the caller has none; the message says what to do. */
export class CatalogCredentialError extends Error {
  constructor(readonly problem: CatalogCredentialProblem, message: string) {
    super(message);
    this.name = "CatalogCredentialError";
  }
}

/**
 * The caller's credential for the Quilt registry. Tools reach the caller's catalog identity only
 * through this (never through auth code): on the web it holds the verified token only when that
 * token's audience also names the registry (SECURITY.md: no token passthrough otherwise); on the
 * desktop it reads the person's quilt3 login. Tokens it returns are never logged.
 */
export interface CatalogCredential {
  /** The bearer token to present to `registryUrl`; CatalogCredentialError when there is none. */
  token(registryUrl: string): Promise<string>;
  /** The registry the caller's own login points at (desktop quilt3 configuration), if any. */
  loginRegistryUrl(): Promise<string | undefined>;
}

/** Raised when code asks for the request context outside of one. */
export class ContextMissingError extends Error {
  constructor(what: string) {
    super(`no request context: ${what} is only available while serving an authenticated request`);
    this.name = "ContextMissingError";
  }
}

/** ContextPush/ContextReset dimensions per client type, frozen (metrics recognise them at once). */
const CLIENT_DIMENSIONS: Readonly<Record<ClientType, Readonly<Record<string, string>>>> = Object
  .freeze({
    "desktop-stdio": Object.freeze({ ClientType: "desktop-stdio" }),
    "web-jwt": Object.freeze({ ClientType: "web-jwt" }),
  });

/** Owns the AsyncLocalStorage and the push/reset accounting. One per process, passed down explicitly. */
export class ContextStore {
  readonly #storage = new AsyncLocalStorage<RequestContext>();
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #processClientType: ClientType;
  #active = 0;

  /**
   * `processClientType` is the client type this process serves (an HTTP server serves web-jwt, a
   * stdio server desktop-stdio): a failure outside any context is attributed to it.
   */
  constructor(metrics: Metrics, logger: Logger, processClientType: ClientType) {
    this.#metrics = metrics;
    this.#logger = logger;
    this.#processClientType = processClientType;
  }

  /** Contexts entered and not yet released (0 when idle). */
  get active(): number {
    return this.#active;
  }

  /** Runs `fn` inside `context`; the context is released when `fn` settles. */
  run<T>(context: RequestContext, fn: () => Promise<T>): Promise<T> {
    const release = this.#push(context);
    return this.#storage.run(context, fn).finally(release);
  }

  /**
   * Runs `fn` inside `context` for work that outlives `fn`'s promise (a streamed response): `fn`
   * receives the release function and must arrange for it to be called when the work is done. On
   * failure the context is released here. Release is idempotent.
   */
  runUntilReleased<T>(
    context: RequestContext,
    fn: (release: () => void) => Promise<T>,
  ): Promise<T> {
    const release = this.#push(context);
    return this.#storage.run(context, () => fn(release)).catch((e) => {
      release();
      throw e;
    });
  }

  #push(context: RequestContext): () => void {
    const dims = CLIENT_DIMENSIONS[context.clientType];
    this.#metrics.count("ContextPush", dims);
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#metrics.count("ContextReset", dims);
    };
  }

  /** The current context, or undefined outside one. */
  peek(): RequestContext | undefined {
    return this.#storage.getStore();
  }

  /** The current context; outside one, counts a ContextFailure and throws (fail closed). */
  current(what: string): RequestContext {
    const context = this.#storage.getStore();
    if (!context) {
      this.#metrics.count("ContextFailure", { ClientType: this.#processClientType });
      this.#logger.error("context_failure", {
        reason: "no_context",
        client_type: this.#processClientType,
        error: what,
      });
      throw new ContextMissingError(what);
    }
    return context;
  }
}
