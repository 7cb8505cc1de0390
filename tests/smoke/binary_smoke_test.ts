/**
 * The release smoke test (tests/smoke/binary_smoke.ts), run exactly as the release workflow runs it
 * on each compiled binary, but against `deno run` with the binary's permission flags
 * (server/permissions.txt) — so the script `make test` keeps green is the one that gates a release.
 * It passes against the real server and fails, naming the check, when the version is not the one
 * expected or the program does not exist.
 */
import { join } from "node:path";
import {
  assert,
  assertEquals,
  baseServerEnv,
  DENO,
  REPO_ROOT,
  serverCommandArgs,
} from "../harness/mod.ts";
import { VERSION } from "../../server/version.ts";
import { defaultTools } from "./binary_smoke.ts";

const SCRIPT = join(REPO_ROOT, "tests", "smoke", "binary_smoke.ts");

/** The permissions the release workflow gives the script (.github/workflows/release.yml). */
const SCRIPT_PERMISSIONS = ["--allow-run", "--allow-net", "--allow-read", "--allow-env"];

async function smoke(flags: string[], command: string[]) {
  const out = await new Deno.Command(DENO, {
    args: ["run", "--cached-only", ...SCRIPT_PERMISSIONS, SCRIPT, ...flags, "--", ...command],
    env: baseServerEnv(),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

/** The server as `deno run` with the compiled binary's flags: what the binary would run. */
const AS_BINARY = [DENO, ...serverCommandArgs([])];

function line(text: string, pattern: RegExp): void {
  assert(text.split("\n").some((l) => pattern.test(l)), `no line matching ${pattern} in:\n${text}`);
}

Deno.test("binary smoke: every check passes against the server run with the binary's permissions", async () => {
  const r = await smoke([], AS_BINARY);
  assertEquals(r.code, 0, r.text);
  line(r.text, new RegExp(`^PASS {2}--version: quilt-mcp ${VERSION.replaceAll(".", "\\.")}$`));
  line(
    r.text,
    new RegExp(
      `^PASS {2}stdio initialize \\+ tools/list: quilt-mcp \\S+, ${defaultTools().length} tools$`,
    ),
  );
  line(
    r.text,
    new RegExp(`^PASS {2}GET /healthz: 200, version ${VERSION.replaceAll(".", "\\.")}$`),
  );
  line(r.text, /^PASS {2}protected resource metadata: resource http:\/\/127\.0\.0\.1\/mcp, /);
  line(r.text, /^PASS {2}POST without a token is refused: 401, /);
  line(r.text, /^smoke: 5 passed, 0 failed, 0 skipped$/);
  assert(defaultTools().includes("auth_status") && !defaultTools().includes("bucket_objects_put"));
});

Deno.test("binary smoke: a release tag that is not the binary's version fails", async () => {
  const r = await smoke(["--expect-version", "v99.0.0"], AS_BINARY);
  assertEquals(r.code, 1, r.text);
  line(
    r.text,
    /^FAIL {2}--version: exit 0, printed "quilt-mcp .*" \(expected "quilt-mcp 99\.0\.0"\)/,
  );
  line(r.text, /^FAIL {2}GET \/healthz: 200, version .*; expected 99\.0\.0$/);
  line(r.text, /^PASS {2}stdio initialize \+ tools\/list: /);
  line(r.text, /^smoke: 3 passed, 2 failed, 0 skipped$/);
});

Deno.test("binary smoke: a missing binary fails and bad usage exits 2", async () => {
  const missing = await smoke([], [join(REPO_ROOT, "dist", "no-such-quilt-mcp")]);
  assertEquals(missing.code, 1, missing.text);
  line(missing.text, /^FAIL {2}.*no-such-quilt-mcp exists: NotFound/);
  const usage = await smoke(["--no-such-flag"], AS_BINARY);
  assertEquals(usage.code, 2, usage.text);
});
