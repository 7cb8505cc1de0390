/**
 * Fuzzing of the HTTP auth surface, in two targets:
 * - headers: random Authorization values (schemes, spacing, random base64 segments, huge values,
 *   several headers, tokens in the URL or a cookie) and random companion headers (Origin,
 *   MCP-Protocol-Version, Accept, Content-Type, X-Request-Id, the role selection header);
 * - jwt: a valid token truncated or mutated (flipped, inserted and deleted characters, swapped or
 *   random segments, re-encoded headers and payloads without a new signature), tokens the issuer
 *   really signed whose claims must be refused (expired, not yet valid, wrong issuer or audience,
 *   no exp or sub, unusable sub, unknown kid), and really-signed tokens with odd but acceptable
 *   claims (odd subjects, random extra claims, role claims, scopes).
 * The oracle: never a 5xx or a dropped connection; a 401 always carries the Bearer challenge; a
 * 200 only for a request whose credential is a token the issuer signed with acceptable claims
 * (or a byte-identical re-encoding of one).
 * @module
 */
import type { LoadStack } from "./load_stack.ts";
import { Rng } from "./rng.ts";
import { mcpHeaders, pool, post, rpcMessage, toolCallBody } from "./rpc.ts";
import { STACK_PUBLIC_URL } from "../harness/mod.ts";

/** One generated request. */
export interface AuthCase {
  readonly kind: string;
  readonly headers: Record<string, string>;
  /** Query string to append to the MCP URL ("" for none). */
  readonly query: string;
  /** Whether a 200 is acceptable for this request (the oracle). */
  readonly mayPass: boolean;
  /** Whether the server must refuse it with 401 exactly. */
  readonly must401?: boolean;
}

/** What the generators need: a good token and a way to have the issuer sign more. */
export interface AuthFuzzContext {
  readonly token: string;
  /** Has the stack's issuer sign `claims` (RS256 unless `alg` says otherwise). */
  sign(
    claims: Record<string, unknown>,
    options: {
      subject?: string;
      audience?: string | string[];
      issuer?: string;
      expiresIn?: number;
      noExp?: boolean;
      notBeforeIn?: number;
      kid?: string;
      alg?: "RS256" | "ES256";
    },
  ): Promise<string>;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const LATIN1_HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(128 + i)).join("");

function chars(rng: Rng, n: number, alphabet: string): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** A header value fetch accepts (no NUL/CR/LF, Latin-1 only, no edge whitespace). */
function headerValue(rng: Rng, n: number): string {
  const alphabet = rng.chance(0.8) ? PRINTABLE : PRINTABLE + LATIN1_HIGH;
  return chars(rng, n, alphabet).trim();
}

function b64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Base64url decoding that tolerates missing padding; undefined when it is not base64url. */
export function decodeSegment(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    return atob(
      segment.replaceAll("-", "+").replaceAll("_", "/").padEnd(
        Math.ceil(segment.length / 4) * 4,
        "=",
      ),
    );
  } catch {
    return undefined;
  }
}

/** Whether `candidate` decodes to exactly the bytes of `token` (base64 re-encodings only). */
export function sameTokenBytes(candidate: string, token: string): boolean {
  const a = candidate.split(".");
  const b = token.split(".");
  if (a.length !== 3 || b.length !== 3) return false;
  return a.every((seg, i) => {
    const x = decodeSegment(seg);
    return x !== undefined && x === decodeSegment(b[i]);
  });
}

function bearer(token: string): Record<string, string> {
  return { ...mcpHeaders(), authorization: `Bearer ${token}` };
}

/** A case of the headers target. */
export function headerCase(rng: Rng, ctx: AuthFuzzContext): AuthCase {
  const t = ctx.token;
  const base = mcpHeaders();
  const r = rng.int(14);
  switch (r) {
    case 0:
      return { kind: "no_authorization", headers: base, query: "", mayPass: false, must401: true };
    case 1: {
      const scheme = rng.pick(["Basic", "Token", "JWT", "Digest", "Bearer:", "Bearer-", "Bear"]);
      return {
        kind: "wrong_scheme",
        headers: { ...base, authorization: `${scheme} ${t}` },
        query: "",
        mayPass: false,
        must401: true,
      };
    }
    case 2: {
      const scheme = rng.pick(["bearer", "BEARER", "BeArEr"]);
      return {
        kind: "scheme_case",
        headers: { ...base, authorization: `${scheme} ${t}` },
        query: "",
        mayPass: true,
      };
    }
    case 3: {
      const sep = rng.pick(["  ", "\t", " \t ", ""]);
      return {
        kind: "odd_spacing",
        headers: { ...base, authorization: `Bearer${sep}${t}` },
        query: "",
        mayPass: false,
        must401: true,
      };
    }
    case 4: {
      const v = headerValue(rng, rng.range(0, 300));
      return {
        kind: "random_value",
        headers: v === "" ? base : { ...base, authorization: v },
        query: "",
        mayPass: false,
      };
    }
    case 5: {
      const segments = Array.from(
        { length: rng.range(1, 5) },
        () => chars(rng, rng.range(0, 400), B64URL),
      );
      return {
        kind: "random_segments",
        headers: { ...base, authorization: `Bearer ${segments.join(".")}` },
        query: "",
        mayPass: false,
        must401: true,
      };
    }
    case 6: {
      const n = rng.pick([8193, 9000, 16_000, 32_000, 60_000]);
      return {
        kind: "huge_value",
        headers: { ...base, authorization: `Bearer ${chars(rng, n, B64URL)}` },
        query: "",
        mayPass: false,
      };
    }
    case 7:
      return {
        kind: "two_authorizations",
        headers: { ...base, authorization: `Bearer ${t}, Bearer ${t}` },
        query: "",
        mayPass: false,
        must401: true,
      };
    case 8:
      return {
        kind: "token_in_url",
        headers: base,
        query: `?${rng.pick(["access_token", "token", "id_token", "bearer"])}=${t}`,
        mayPass: false,
      };
    case 9:
      return {
        kind: "token_in_cookie",
        headers: { ...base, cookie: `access_token=${t}; token=${t}` },
        query: "",
        mayPass: false,
        must401: true,
      };
    case 10:
      return {
        kind: "trailing_garbage",
        headers: {
          ...base,
          authorization: `Bearer ${t}${rng.pick([" x", ".", ".x", "=", "==", " ", "\t"])}`.trim(),
        },
        query: "",
        // Trailing whitespace is trimmed by fetch itself, leaving the valid header.
        mayPass: true,
      };
    default: {
      // A valid token with random companion headers: refused or served, never a 5xx.
      const headers = bearer(t);
      const name = rng.pick([
        "origin",
        "mcp-protocol-version",
        "accept",
        "content-type",
        "x-request-id",
        "x-quilt-role-arn",
        "x-forwarded-for",
        "x-amz-security-token",
      ]);
      headers[name] = rng.chance(0.3)
        ? rng.pick([
          "null",
          "http://evil.example",
          "2099-01-01",
          "*/*",
          "text/plain",
          "arn:aws:iam::123456789012:role/admin",
          "arn:aws:iam::999999999999:role/x",
        ])
        : headerValue(rng, rng.range(1, 200)) || "x";
      return { kind: `companion_${name}`, headers, query: "", mayPass: true };
    }
  }
}

function mutateToken(rng: Rng, token: string): { token: string; kind: string } {
  const parts = token.split(".");
  const r = rng.int(10);
  switch (r) {
    case 0:
      return { token: token.slice(0, rng.int(token.length)), kind: "truncated" };
    case 1: {
      const i = rng.int(token.length);
      const c = rng.pick([...B64URL]);
      return { token: token.slice(0, i) + c + token.slice(i + 1), kind: "flipped_char" };
    }
    case 2: {
      const i = rng.int(token.length);
      return {
        token: token.slice(0, i) + chars(rng, rng.range(1, 4), B64URL + ".") + token.slice(i),
        kind: "inserted_chars",
      };
    }
    case 3: {
      const i = rng.int(token.length);
      return { token: token.slice(0, i) + token.slice(i + rng.range(1, 4)), kind: "deleted_chars" };
    }
    case 4: {
      const i = rng.int(3);
      const j = rng.int(3);
      [parts[i], parts[j]] = [parts[j], parts[i]];
      return { token: parts.join("."), kind: "swapped_segments" };
    }
    case 5: {
      parts[rng.int(3)] = chars(rng, rng.range(0, 600), B64URL);
      return { token: parts.join("."), kind: "random_segment" };
    }
    case 6: {
      const extra = Array.from(
        { length: rng.range(1, 3) },
        () => chars(rng, rng.range(0, 40), B64URL),
      );
      const cut = rng.chance(0.5) ? parts.slice(0, rng.range(1, 2)) : [...parts, ...extra];
      return { token: cut.join("."), kind: "segment_count" };
    }
    case 7: {
      const header = rng.pick<Record<string, unknown>>([
        { alg: "none", typ: "JWT" },
        { alg: "HS256", kid: "rsa-1" },
        { alg: "RS512", kid: "rsa-1" },
        { alg: "ES256", kid: "rsa-1" },
        { alg: "RS256", kid: "../../etc/passwd" },
        { alg: "RS256", kid: "x".repeat(5000) },
        { alg: "RS256", kid: "rsa-1", jku: "http://127.0.0.1:1/jwks.json" },
        { alg: "RS256", kid: "rsa-1", x5u: "http://127.0.0.1:1/cert.pem" },
        { alg: "RS256", kid: "rsa-1", crit: ["exp"] },
        { alg: "RS256", kid: "rsa-1", b64: false, crit: ["b64"] },
        { alg: "RS256", kid: null },
        { alg: ["RS256"] },
        {},
      ]);
      const text = rng.chance(0.8) ? JSON.stringify(header) : JSON.stringify(header).slice(0, -1);
      parts[0] = b64url(text);
      return { token: parts.join("."), kind: "reencoded_header" };
    }
    case 8: {
      const payload = JSON.parse(decodeSegment(parts[1]) ?? "{}");
      payload[rng.pick(["sub", "aud", "exp", "iss", "quilt_role_arns", "scope"])] = rng.pick([
        "admin",
        0,
        -1,
        1e308,
        null,
        ["a", "b"],
        { nested: true },
        "x".repeat(3000),
      ]);
      parts[1] = b64url(JSON.stringify(payload));
      return { token: parts.join("."), kind: "reencoded_payload" };
    }
    default: {
      // Non-canonical but byte-identical base64 would still be the same token; change bits that matter.
      parts[2] = parts[2].split("").reverse().join("");
      return { token: parts.join("."), kind: "reversed_signature" };
    }
  }
}

const ODD_SUBJECTS = [
  "a",
  "user@example.com",
  "Dana Scully <dana@fbi.gov>",
  "é中😀",
  "\u202eevil",
  "tab\tsub",
  "x".repeat(256),
  "../../root",
  "arn:aws:iam::123456789012:role/admin",
  "  spaced  ",
  "=+,.@-_",
];

/** A case of the jwt target (async: some cases are signed by the issuer). */
export async function jwtCase(rng: Rng, ctx: AuthFuzzContext): Promise<AuthCase> {
  const r = rng.next();
  if (r < 0.55) {
    const m = mutateToken(rng, ctx.token);
    return {
      kind: m.kind,
      headers: bearer(m.token),
      query: "",
      mayPass: sameTokenBytes(m.token, ctx.token),
    };
  }
  if (r < 0.8) {
    const which = rng.int(9);
    const sub = "refused@example.com";
    const options = [
      { kind: "expired", claims: {}, o: { subject: sub, expiresIn: -3600 } },
      { kind: "not_yet_valid", claims: {}, o: { subject: sub, notBeforeIn: 3600 } },
      { kind: "wrong_issuer", claims: {}, o: { subject: sub, issuer: "https://evil.example/" } },
      { kind: "wrong_audience", claims: {}, o: { subject: sub, audience: "https://other/mcp" } },
      {
        kind: "audience_list_without_us",
        claims: {},
        o: { subject: sub, audience: ["https://a/mcp", "https://b/mcp"] },
      },
      { kind: "no_exp", claims: {}, o: { subject: sub, noExp: true } },
      { kind: "no_sub", claims: {}, o: {} },
      {
        kind: "unusable_sub",
        claims: { sub: rng.pick<unknown>(["", 42, null, ["a"], "x".repeat(257)]) },
        o: {},
      },
      { kind: "unknown_kid", claims: {}, o: { subject: sub, kid: chars(rng, 12, B64URL) } },
    ][which];
    const token = await ctx.sign(options.claims, {
      audience: STACK_PUBLIC_URL,
      ...options.o,
    });
    return {
      kind: `signed_${options.kind}`,
      headers: bearer(token),
      query: "",
      mayPass: false,
      must401: true,
    };
  }
  // Really signed, acceptable registered claims, odd everything else.
  const claims: Record<string, unknown> = {};
  for (let i = rng.int(4); i > 0; i--) {
    claims[rng.pick(["scope", "scp", "dept", "azp", "client_id", "groups", "email", "x"])] = rng
      .pick<
        unknown
      >(["mcp:tools", ["a", 1], 7, null, { a: { b: [] } }, "é中😀", "x".repeat(2000), true]);
  }
  if (rng.chance(0.3)) {
    claims.quilt_role_arns = rng.pick<unknown>([
      "arn:aws:iam::123456789012:role/quilt-mcp-load",
      "arn:aws:iam::123456789012:role/admin-not-allowed",
      "not an arn",
      ["arn:aws:iam::123456789012:role/quilt-mcp-load", "arn:aws:iam::1:role/x"],
      42,
      [],
      "arn:aws:iam::123456789012:role/" + "r".repeat(600),
    ]);
  }
  const token = await ctx.sign(claims, {
    subject: rng.pick(ODD_SUBJECTS) + (rng.chance(0.5) ? String(rng.int(50)) : ""),
    audience: rng.chance(0.7) ? STACK_PUBLIC_URL : [STACK_PUBLIC_URL, "https://registry.example"],
    alg: rng.chance(0.8) ? "RS256" : "ES256",
  });
  return { kind: "signed_odd_claims", headers: bearer(token), query: "", mayPass: true };
}

/** Tallies of an auth fuzz run. */
export interface AuthFuzzReport {
  readonly target: "headers" | "jwt";
  readonly seed: number;
  readonly cases: number;
  readonly kinds: Record<string, number>;
  readonly statuses: Record<string, number>;
  /** 200 answers (each allowed by the oracle). */
  readonly accepted: number;
  readonly failures: string[];
  readonly elapsedMs: number;
}

/** Runs `cases` generated requests of one target against the stack and checks each answer. */
export async function fuzzAuth(
  stack: LoadStack,
  options: { target: "headers" | "jwt"; seed: number; cases: number; concurrency: number },
): Promise<AuthFuzzReport> {
  const started = performance.now();
  const rng = new Rng(options.seed);
  const ctx: AuthFuzzContext = {
    token: await stack.token("auth-fuzzer@example.com"),
    sign: (claims, o) => stack.issuer.mint(claims, o),
  };
  const kinds: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let accepted = 0;
  await pool(options.cases, options.concurrency, async (i) => {
    // Generate synchronously in sequence order so the run is reproducible from the seed.
    const c = options.target === "headers" ? headerCase(rng, ctx) : await jwtCase(rng, ctx);
    kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    const r = await post(
      `${stack.mcpUrl}${c.query}`,
      c.headers,
      toolCallBody("auth_status", {}, i),
    );
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const fail = (why: string) => {
      if (failures.length < 50) {
        const auth = c.headers.authorization ?? "";
        failures.push(`${c.kind} [${auth.slice(0, 120)}${auth.length > 120 ? "…" : ""}]: ${why}`);
      }
    };
    if (r.status === 0) return fail(`connection failed: ${r.text}`);
    if (r.status >= 500) return fail(`HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    if (r.status === 401) {
      const challenge = r.headers.get("www-authenticate") ?? "";
      if (!/^Bearer /.test(challenge) || !challenge.includes("resource_metadata=")) {
        return fail(`401 without a Bearer challenge: ${challenge}`);
      }
    } else if (c.must401) return fail(`expected 401, got ${r.status}`);
    if (r.status === 200) {
      if (!c.mayPass) return fail(`accepted: ${r.text.slice(0, 200)}`);
      accepted++;
      const message = rpcMessage(r.text);
      const result = message?.result as { content?: Array<{ text?: string }> } | undefined;
      if (!result?.content) return fail(`200 without a tool result: ${r.text.slice(0, 200)}`);
      if (/failed unexpectedly/.test(result.content[0]?.text ?? "")) {
        return fail(`unhandled error in the tool: ${result.content[0].text}`);
      }
    }
  });
  return {
    target: options.target,
    seed: options.seed,
    cases: options.cases,
    kinds,
    statuses,
    accepted,
    failures,
    elapsedMs: performance.now() - started,
  };
}

/** What fails an auth fuzz run (empty = pass), given how many tool calls the server counted. */
export function authFuzzProblems(report: AuthFuzzReport, toolCallsCounted: number): string[] {
  const p = [...report.failures];
  if (Object.keys(report.kinds).length < 8) {
    p.push(`too few case kinds: ${JSON.stringify(report.kinds)}`);
  }
  if ((report.statuses["401"] ?? 0) <= report.cases / 4) {
    p.push("most cases should be refused with 401");
  }
  if (report.accepted === 0) p.push("no case was accepted: the oracle is vacuous");
  if (toolCallsCounted !== report.accepted) {
    p.push(`${toolCallsCounted} tool calls ran for ${report.accepted} accepted requests`);
  }
  return p;
}
