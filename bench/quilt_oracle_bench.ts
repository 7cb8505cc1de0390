/**
 * The quilt3 oracle tests of issue 18 with more seeded cases than `make test` runs: the workflow
 * rules (tests/quilt/workflow_rules_interop_test.ts) and the package tools over S3
 * (tests/tools/quilt_oracle_s3_test.ts), each with QUILT_ORACLE_SCALE times its cases. The same
 * seeds, so the cases `make test` runs are the first of these.
 * @module
 */
import { join } from "node:path";
import { DENO, REPO_ROOT } from "../tests/harness/mod.ts";
import { code, type Section, table, Verdicts } from "./report.ts";

const TESTS = [
  "tests/quilt/workflow_rules_interop_test.ts",
  "tests/tools/quilt_oracle_s3_test.ts",
];

/** Runs both oracle tests at `scale` and reports their case tallies and verdicts. */
export async function quiltOracleBench(
  opts: { scale: number; log: (line: string) => void },
): Promise<Section> {
  const verdicts = new Verdicts();
  const rows: string[][] = [];
  const tallies: string[] = [];
  for (const test of TESTS) {
    opts.log(`quilt oracle: ${test} at scale ${opts.scale}`);
    const started = performance.now();
    const out = await new Deno.Command(DENO, {
      args: ["test", "-A", "--cached-only", join(REPO_ROOT, test)],
      cwd: REPO_ROOT,
      env: { QUILT_ORACLE_SCALE: String(opts.scale), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const tally = text.split("\n").find((l) => /oracle.*\(scale \d+\):/.test(l));
    if (tally) tallies.push(tally.trim());
    rows.push([
      test,
      `${seconds} s`,
      verdicts.check(
        `${test}: quilt3 and the server agree on every case`,
        out.success ? "all agree" : "disagreement (see log)",
        out.success,
      ),
    ]);
    if (!out.success) tallies.push(text.split("\n").slice(-60).join("\n"));
  }
  return {
    title: `quilt3 oracle, ${opts.scale}× the make-test cases`,
    body: [table(["test", "wall time", "verdict"], rows), code(tallies.join("\n"))].join("\n\n"),
    verdicts: verdicts.list,
  };
}
