/**
 * Renders docs/auth-test-matrix.md from the test suite's own case table
 * (tests/server/auth_cases.ts: AUTH_CASES, SPECIAL_CASES, STARTUP_CASES), so the documented matrix
 * is exactly what tests/server/auth_matrix_test.ts runs. `make docs` writes it; a test in
 * generated_docs_test.ts regenerates it and fails on any difference.
 *
 * Usage: deno run tests/docs/render_auth_matrix.ts > docs/auth-test-matrix.md
 * @module
 */
import { AUTH_CASES, type AuthCase, SPECIAL_CASES, STARTUP_CASES } from "../server/auth_cases.ts";

/** The server configurations the cases run against (see auth_matrix_test.ts). */
const SERVERS: Record<AuthCase["server"], string> = {
  main: "JWKS verifier (RS256, ES256), per-user roles, default settings",
  strict:
    "as main, plus `QUILT_MCP_AUTH_REQUIRED_SCOPES=mcp:tools`, `QUILT_MCP_RATE_LIMIT_BURST=2`, `QUILT_MCP_RATE_LIMIT_PER_MINUTE=1` and the packages-write category; its JWKS starts unreachable",
};

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The challenge a case expects, read from its pattern: `Bearer error="…"`, or absent. */
export function challengeOf(c: AuthCase): string {
  if (c.expect.challenge === null) return "absent";
  if (c.expect.challenge === undefined) return "—";
  const error = /error="([a-z_]+)"/.exec(c.expect.challenge.source)?.[1];
  return error ? `\`Bearer error="${error}"\`, \`resource_metadata\`` : "`Bearer …`";
}

function caseRow(c: AuthCase): string {
  return `| \`${c.id}\` | ${cell(c.title)} | ${c.server} | ${c.expect.status} | ${
    c.expect.reason ? `\`${c.expect.reason}\`` : "—"
  } | ${challengeOf(c)} |`;
}

/** The whole document. */
export function authTestMatrix(): string {
  const positive = AUTH_CASES.filter((c) => c.positive);
  const negative = AUTH_CASES.filter((c) => !c.positive);
  const header = [
    "| Case | Request | Server | Status | `AuthFailure` reason | `WWW-Authenticate` |",
    "|---|---|---|---|---|---|",
  ];
  const out = [
    "# Authentication test matrix",
    "",
    "<!-- Generated from tests/server/auth_cases.ts by `make docs`; a test keeps it in sync. Do not edit. -->",
    "",
    "Every row is a case that `tests/server/auth_matrix_test.ts` runs against a real quilt-mcp",
    "process (over HTTP, with a local token issuer and the AWS emulator) in both protocol eras: a",
    "2025-era client (stateless `initialize` handshake) and a 2026-07-28 client. For each case the",
    "test asserts the status code and the `WWW-Authenticate` challenge, that the tool ran (positive",
    "cases) or did not run (negative cases), that the `AuthFailure` metric moved with the listed",
    "reason, and that no token text reached the logs.",
    "",
    `${AUTH_CASES.length} request cases: ${positive.length} positive, ${negative.length} negative; ${SPECIAL_CASES.length} sequenced cases; ${STARTUP_CASES.length} start-up refusals.`,
    "",
    "## Servers",
    "",
    "| Server | Configuration |",
    "|---|---|",
    ...Object.entries(SERVERS).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    "",
    "## Positive cases (the tool runs)",
    "",
    ...header,
    ...positive.map(caseRow),
    "",
    "## Negative cases (nothing reaches a tool)",
    "",
    'A challenge `Bearer error="…"` always carries `resource_metadata` pointing at the RFC 9728',
    "metadata document; transport rules (Origin, protocol version, method, body size) are not",
    "authentication failures and carry no challenge and no `AuthFailure` reason.",
    "",
    ...header,
    ...negative.map(caseRow),
    "",
    "## Sequenced cases",
    "",
    "Run in order on the strict server: each depends on the state the previous one left (the issuer's",
    "availability, a principal's token bucket). A batch is charged one token per JSON-RPC message and",
    "admitted whole or refused whole; batches exist only in protocol revision 2025-03-26.",
    "",
    "| Case | Situation | Status | `AuthFailure` reason |",
    "|---|---|---|---|",
    ...SPECIAL_CASES.map((c) =>
      `| \`${c.id}\` | ${cell(c.title)} | ${c.status} | ${c.reason ? `\`${c.reason}\`` : "—"} |`
    ),
    "",
    "## Start-up refusals (the server exits without serving)",
    "",
    "| Case | Configuration | Settings changed from a complete HTTP configuration | The error names |",
    "|---|---|---|---|",
    ...STARTUP_CASES.map((c) => {
      const env = Object.keys(c.env);
      return `| \`${c.id}\` | ${cell(c.title)} | ${
        env.length === 0
          ? "all authentication settings removed"
          : env.map((k) => `\`${k}\``).join(", ")
      } | ${c.mentions.map((m) => `\`${m}\``).join(", ")} |`;
    }),
    "",
  ];
  return out.join("\n");
}

if (import.meta.main) console.log(authTestMatrix());
