/**
 * The authentication test matrix: one table of positive and negative cases, run by
 * auth_matrix_test.ts against a real server (both protocol eras) and rendered into
 * docs/auth-test-matrix.md by the docs generator, so the documentation cannot drift from the tests.
 * @module
 */
import { b64url, hs256Token, type JwtIssuer, unsignedToken } from "../harness/jwt_issuer.ts";

/** The server a case runs against. */
export type CaseServer =
  /** JWKS verifier, default settings. */
  | "main"
  /**
   * JWKS verifier with a required scope, a rate-limit burst of 2, and packages-write enabled; its
   * JWKS starts down.
   */
  | "strict";

/** What the case's request looks like. */
export interface CaseRequest {
  method?: "POST" | "GET" | "DELETE";
  /** Authorization header values (several = duplicated header); undefined = none. */
  authorization?: string[];
  /** Query string appended to /mcp. */
  query?: string;
  headers?: Record<string, string>;
  /** Body size override (bytes of padding). */
  padBytes?: number;
}

/** A row of the matrix. */
export interface AuthCase {
  readonly id: string;
  readonly title: string;
  readonly server: CaseServer;
  /** Whether the request is a valid, authorized call (the tool must run). */
  readonly positive: boolean;
  readonly expect: {
    readonly status: number;
    /** Reason counted in AuthFailure (negative auth cases). */
    readonly reason?: string;
    /** Pattern the WWW-Authenticate header must match; null = header must be absent. */
    readonly challenge?: RegExp | null;
  };
  /** Builds the request; `subject` is unique per case and era. */
  build(env: CaseEnv, subject: string): Promise<CaseRequest>;
}

/** What a case builder may use. */
export interface CaseEnv {
  issuer: JwtIssuer;
  /** A second issuer whose keys the server does not trust. */
  stranger: JwtIssuer;
  audience: string;
  roleArn(name: string): string;
}

const INVALID =
  /^Bearer error="invalid_token", error_description="[^"]*"(, scope="[^"]*")?, resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource\/mcp"$/;
const INSUFFICIENT =
  /^Bearer error="insufficient_scope", error_description="[^"]*"(, scope="[^"]*")?, resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource\/mcp"$/;
const INVALID_REQUEST =
  /^Bearer error="invalid_request", error_description="[^"]*", resource_metadata="[^"]+"$/;

const bearer = (t: string) => ({ authorization: [`Bearer ${t}`] });
const good = (e: CaseEnv, subject: string, claims: Record<string, unknown> = {}) =>
  e.issuer.mint(claims, { subject, audience: e.audience });

function tamperPayload(token: string): string {
  const [h, p, s] = token.split(".");
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(p.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0)),
    ),
  );
  claims.sub = "mallory";
  return `${h}.${b64url(JSON.stringify(claims))}.${s}`;
}

function tamperSignature(token: string): string {
  const [h, p, s] = token.split(".");
  const flipped = s[0] === "A" ? `B${s.slice(1)}` : `A${s.slice(1)}`;
  return `${h}.${p}.${flipped}`;
}

/** Every case of the matrix. */
export const AUTH_CASES: readonly AuthCase[] = [
  // ---- positive
  {
    id: "valid-rs256",
    title: "Valid RS256 token from the JWKS",
    server: "main",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) => bearer(await good(e, s)),
  },
  {
    id: "valid-es256",
    title: "Valid ES256 token from the JWKS",
    server: "main",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) =>
      bearer(await e.issuer.mint({}, { subject: s, audience: e.audience, alg: "ES256" })),
  },
  {
    id: "valid-role-claim",
    title: "Role granted by the token's role claim and allow-listed",
    server: "main",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) => bearer(await good(e, s, { quilt_role_arns: [e.roleArn("reader")] })),
  },
  {
    id: "valid-role-header",
    title: "Header selects one of the roles the token grants",
    server: "main",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) => ({
      ...bearer(await good(e, s, { quilt_role_arns: [e.roleArn("reader"), e.roleArn("writer")] })),
      headers: { "x-quilt-role-arn": e.roleArn("writer") },
    }),
  },
  {
    id: "valid-audience-list",
    title: "Audience list that includes this server",
    server: "main",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) =>
      bearer(
        await e.issuer.mint({}, { subject: s, audience: ["https://other.example", e.audience] }),
      ),
  },
  {
    id: "valid-scope",
    title: "Token carrying the required scope",
    server: "strict",
    positive: true,
    expect: { status: 200 },
    build: async (e, s) => bearer(await good(e, s, { scope: "openid mcp:tools" })),
  },
  // ---- missing or malformed credentials
  {
    id: "no-header",
    title: "No Authorization header",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "missing_token", challenge: INVALID },
    build: () => Promise.resolve({}),
  },
  {
    id: "wrong-scheme",
    title: "Basic scheme instead of Bearer",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve({ authorization: ["Basic dXNlcjpwYXNz"] }),
  },
  {
    id: "empty-token",
    title: "Bearer with an empty token",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve({ authorization: ["Bearer "] }),
  },
  {
    id: "one-segment",
    title: "Token with 1 segment",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve(bearer("eyJhbGciOiJSUzI1NiJ9")),
  },
  {
    id: "two-segments",
    title: "Token with 2 segments",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve(bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")),
  },
  {
    id: "four-segments",
    title: "Token with 4 segments",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: async (e, s) => bearer(`${await good(e, s)}.extra`),
  },
  {
    id: "bad-base64-charset",
    title: "Characters outside base64url",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve(bearer("!!!.###.$$$")),
  },
  {
    id: "bad-base64-json",
    title: "base64url segments that are not JSON",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: () => Promise.resolve(bearer("bm90anNvbg.bm90anNvbg.c2ln")),
  },
  {
    id: "oversized-token",
    title: "Token longer than the configured maximum",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: () => Promise.resolve(bearer(`eyJ${"A".repeat(9000)}.eyJ${"B".repeat(100)}.sig`)),
  },
  {
    id: "duplicate-header",
    title: "Two Authorization headers",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "malformed_header", challenge: INVALID },
    build: async (e, s) => ({
      authorization: [`Bearer ${await good(e, s)}`, `Bearer ${await good(e, `${s}-other`)}`],
    }),
  },
  {
    id: "query-token-only",
    title: "Token in the query string, no header",
    server: "main",
    positive: false,
    expect: { status: 400, reason: "malformed_header", challenge: INVALID_REQUEST },
    build: async (e, s) => ({ query: `access_token=${await good(e, s)}` }),
  },
  {
    id: "query-token-and-header",
    title: "Valid header plus a token in the query string",
    server: "main",
    positive: false,
    expect: { status: 400, reason: "malformed_header", challenge: INVALID_REQUEST },
    build: async (e, s) => ({
      ...bearer(await good(e, s)),
      query: `access_token=${await good(e, s)}`,
    }),
  },
  // ---- signature and algorithm
  {
    id: "alg-none",
    title: "Unsigned token (alg: none)",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: (e, s) =>
      Promise.resolve(
        bearer(
          unsignedToken({
            sub: s,
            iss: e.issuer.issuer,
            aud: e.audience,
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
        ),
      ),
  },
  {
    id: "alg-confusion",
    title: "HS256 token signed with the RS256 public key as secret",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) =>
      bearer(
        await hs256Token(
          {
            sub: s,
            iss: e.issuer.issuer,
            aud: e.audience,
            exp: Math.floor(Date.now() / 1000) + 600,
          },
          e.issuer.rsaPublicPem,
          "rsa-1",
        ),
      ),
  },
  {
    id: "unknown-kid",
    title: "Signed by a key the JWKS does not have (unknown kid)",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) =>
      bearer(
        await e.stranger.mint({}, {
          subject: s,
          audience: e.audience,
          issuer: e.issuer.issuer,
          kid: "rsa-unknown",
        }),
      ),
  },
  {
    id: "foreign-key-known-kid",
    title: "Signed by another key under a trusted kid",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) =>
      bearer(
        await e.stranger.mint({}, { subject: s, audience: e.audience, issuer: e.issuer.issuer }),
      ),
  },
  {
    id: "tampered-payload",
    title: "Payload changed after signing",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) => bearer(tamperPayload(await good(e, s))),
  },
  {
    id: "tampered-signature",
    title: "Signature changed",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) => bearer(tamperSignature(await good(e, s))),
  },
  // ---- claims
  {
    id: "wrong-issuer",
    title: "Issuer other than the configured one",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "wrong_issuer", challenge: INVALID },
    build: async (e, s) =>
      bearer(
        await e.issuer.mint({}, {
          subject: s,
          audience: e.audience,
          issuer: "https://evil.example/",
        }),
      ),
  },
  {
    id: "wrong-audience",
    title: "Audience of another resource",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "wrong_audience", challenge: INVALID },
    build: async (e, s) =>
      bearer(await e.issuer.mint({}, { subject: s, audience: "https://other.example/mcp" })),
  },
  {
    id: "audience-list-without-us",
    title: "Audience list that does not include this server",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "wrong_audience", challenge: INVALID },
    build: async (e, s) =>
      bearer(
        await e.issuer.mint({}, {
          subject: s,
          audience: ["https://a.example", "https://b.example"],
        }),
      ),
  },
  {
    id: "no-audience",
    title: "No audience at all",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "wrong_audience", challenge: INVALID },
    build: async (e, s) => bearer(await e.issuer.mint({}, { subject: s })),
  },
  {
    id: "expired",
    title: "Expired token",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "expired", challenge: INVALID },
    build: async (e, s) =>
      bearer(await e.issuer.mint({}, { subject: s, audience: e.audience, expiresIn: -600 })),
  },
  {
    id: "not-yet-valid",
    title: "nbf in the future (beyond clock tolerance)",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) =>
      bearer(await e.issuer.mint({}, { subject: s, audience: e.audience, notBeforeIn: 600 })),
  },
  {
    id: "missing-exp",
    title: "No exp claim",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e, s) =>
      bearer(await e.issuer.mint({}, { subject: s, audience: e.audience, noExp: true })),
  },
  {
    id: "missing-sub",
    title: "No sub claim",
    server: "main",
    positive: false,
    expect: { status: 401, reason: "invalid_token", challenge: INVALID },
    build: async (e) => bearer(await e.issuer.mint({}, { audience: e.audience })),
  },
  {
    id: "missing-scope",
    title: "Token without the required scope",
    server: "strict",
    positive: false,
    expect: { status: 403, reason: "insufficient_scope", challenge: INSUFFICIENT },
    build: async (e, s) => bearer(await good(e, s, { scope: "openid" })),
  },
  // ---- roles
  {
    id: "role-outside-allow-list",
    title: "Role claim outside the allow-list",
    server: "main",
    positive: false,
    expect: { status: 403, reason: "role_not_allowed", challenge: INSUFFICIENT },
    build: async (e, s) =>
      bearer(await good(e, s, { quilt_role_arns: "arn:aws:iam::999999999999:role/admin" })),
  },
  {
    id: "role-header-not-granted",
    title: "Header selects a role the token does not grant",
    server: "main",
    positive: false,
    expect: { status: 403, reason: "role_not_granted", challenge: INSUFFICIENT },
    build: async (e, s) => ({
      ...bearer(await good(e, s, { quilt_role_arns: [e.roleArn("reader")] })),
      headers: { "x-quilt-role-arn": e.roleArn("writer") },
    }),
  },
  {
    id: "role-header-only",
    title: "Header names a role, token grants none (default role applies only to the claim)",
    server: "main",
    positive: false,
    expect: { status: 403, reason: "role_not_granted", challenge: INSUFFICIENT },
    build: async (e, s) => ({
      ...bearer(await good(e, s)),
      headers: { "x-quilt-role-arn": e.roleArn("writer") },
    }),
  },
  {
    id: "role-malformed",
    title: "Malformed role ARN in the claim",
    server: "main",
    positive: false,
    expect: { status: 403, reason: "role_not_allowed", challenge: INSUFFICIENT },
    build: async (e, s) =>
      bearer(await good(e, s, { quilt_role_arns: "arn:aws:iam::123456789012:user/not-a-role" })),
  },
  {
    id: "role-claim-wrong-type",
    title: "Role claim that is not a string or list of strings",
    server: "main",
    positive: false,
    expect: { status: 403, reason: "role_not_allowed", challenge: INSUFFICIENT },
    build: async (e, s) =>
      bearer(await good(e, s, { quilt_role_arns: { arn: e.roleArn("reader") } })),
  },
  // ---- transport rules (not authentication failures: no AuthFailure reason)
  {
    id: "origin-not-allowed",
    title: "Browser Origin not on the allow-list",
    server: "main",
    positive: false,
    expect: { status: 403, challenge: null },
    build: async (e, s) => ({
      ...bearer(await good(e, s)),
      headers: { origin: "https://evil.example" },
    }),
  },
  {
    id: "bad-protocol-version",
    title: "Unsupported MCP-Protocol-Version header",
    server: "main",
    positive: false,
    expect: { status: 400, challenge: null },
    build: async (e, s) => ({
      ...bearer(await good(e, s)),
      headers: { "mcp-protocol-version": "1999-01-01" },
    }),
  },
  {
    id: "get-method",
    title: "GET on the MCP endpoint (stateless: no SSE stream)",
    server: "main",
    positive: false,
    expect: { status: 405, challenge: null },
    build: async (e, s) => ({ ...bearer(await good(e, s)), method: "GET" }),
  },
  {
    id: "delete-method",
    title: "DELETE on the MCP endpoint (no sessions)",
    server: "main",
    positive: false,
    expect: { status: 405, challenge: null },
    build: async (e, s) => ({ ...bearer(await good(e, s)), method: "DELETE" }),
  },
  {
    id: "body-too-large",
    title: "Body over the configured limit",
    server: "main",
    positive: false,
    expect: { status: 413, challenge: null },
    build: async (e, s) => ({ ...bearer(await good(e, s)), padBytes: 2 * 1024 * 1024 }),
  },
];

/**
 * Cases that need their own sequence (JWKS outage, rate limiting, JSON-RPC batches, arguments too
 * deep), run as steps of their own on the strict server.
 */
export const SPECIAL_CASES = [
  {
    id: "jwks-down",
    title: "Issuer's JWKS endpoint unreachable",
    status: 503,
    reason: "jwks_unavailable",
  },
  {
    id: "jwks-recovered",
    title:
      "JWKS back: the same token is accepted (once the fetch cooldown announced by Retry-After has passed)",
    status: 200,
    reason: "",
  },
  { id: "rate-limited", title: "Requests beyond the per-principal burst", status: 429, reason: "" },
  {
    id: "batch-over-burst",
    title:
      "JSON-RPC batch of 100 tools/call (revision 2025-03-26) against a burst of 2: refused whole with Retry-After, no tool runs, RateLimited counts 100, the bucket is left untouched",
    status: 429,
    reason: "",
  },
  {
    id: "batch-within-burst",
    title:
      "JSON-RPC batch of 2 tools/call where the revision allows batches (2025-03-26, or no MCP-Protocol-Version): both run, costing 2 tokens",
    status: 200,
    reason: "",
  },
  {
    id: "batch-removed-revision",
    title:
      "JSON-RPC batch with MCP-Protocol-Version 2025-06-18 (batching removed) or later: refused as an invalid request, no tool runs, no token taken",
    status: 400,
    reason: "",
  },
  {
    id: "deep-arguments",
    title:
      "tools/call whose user_meta nests 10,000 levels: a clear tool error and exactly one tool_call audit record (reason input_too_deep)",
    status: 200,
    reason: "",
  },
] as const;

/** Start-up refusals: the server must exit without serving. */
export const STARTUP_CASES = [
  {
    id: "no-auth-config",
    title: "HTTP without issuer, public URL or verifier",
    env: {},
    mentions: ["QUILT_MCP_PUBLIC_URL", "QUILT_MCP_AUTH_ISSUER", "QUILT_MCP_AUTH_JWKS_URL"],
  },
  {
    id: "short-hs256-secret",
    title: "HS256 secret shorter than 32 bytes",
    env: { QUILT_MCP_AUTH_HS256_SECRET: "too-short-secret" },
    mentions: ["32 bytes"],
  },
  {
    id: "short-previous-secret",
    title: "Previous HS256 secret shorter than 32 bytes",
    env: {
      QUILT_MCP_AUTH_HS256_SECRET: "x".repeat(40),
      QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS: "prev-secret-7",
    },
    mentions: ["32 bytes"],
  },
  {
    id: "two-verifiers",
    title: "Both a JWKS URL and an HS256 secret",
    env: {
      QUILT_MCP_AUTH_HS256_SECRET: "y".repeat(40),
      QUILT_MCP_AUTH_JWKS_URL: "http://127.0.0.1:9/jwks",
    },
    mentions: ["exactly one token verifier"],
  },
  {
    id: "no-role-allow-list",
    title: "Per-user mode without a role allow-list",
    env: { QUILT_MCP_ALLOWED_ROLE_ARNS: "" },
    mentions: ["QUILT_MCP_ALLOWED_ROLE_ARNS"],
  },
  {
    id: "registry-audience-is-public-url",
    title:
      "Registry audience equal to this server's audience (the public URL): every token would be forwarded",
    env: { QUILT_MCP_REGISTRY_AUDIENCE: "http://127.0.0.1/mcp" },
    mentions: ["QUILT_MCP_REGISTRY_AUDIENCE", "QUILT_MCP_AUTH_AUDIENCE", "token passthrough"],
  },
  {
    id: "registry-audience-is-auth-audience",
    title: "Registry audience equal to the configured token audience",
    env: {
      QUILT_MCP_AUTH_AUDIENCE: "api://quilt-mcp",
      QUILT_MCP_REGISTRY_AUDIENCE: "api://quilt-mcp",
    },
    mentions: ["QUILT_MCP_REGISTRY_AUDIENCE", "QUILT_MCP_AUTH_AUDIENCE", "token passthrough"],
  },
] as const;
