/**
 * Isolation at scale: the interleaving proof of tests/server/isolation.ts with 10,000 tools/call
 * requests from 200 principals on 20 roles over HTTP (both protocol eras), a stdio client calling
 * alongside; 0 mismatches and contexts pushed == reset. (`make test` runs the same proof with 2,000
 * calls.)
 * @module
 */
import { interleavedIsolation, isolationProblems } from "../tests/server/isolation.ts";
import { type Section, table, Verdicts } from "./report.ts";
import { fmt } from "./stats.ts";

/** Runs the isolation section. */
export async function isolationBench(options: {
  principals: number;
  callsPerPrincipal: number;
  log: (line: string) => void;
}): Promise<Section> {
  const verdicts = new Verdicts();
  const r = await interleavedIsolation({
    principals: options.principals,
    roles: 20,
    callsPerPrincipal: options.callsPerPrincipal,
    workers: 32,
  });
  const problems = isolationProblems(r);
  options.log(`  isolation: ${problems.length === 0 ? "pass" : problems.join("; ")}`);
  const rows = [
    [
      "tools/call over HTTP (auth_status, interleaved, 32 workers)",
      r.calls.toLocaleString("en-US"),
    ],
    ["principals / roles", `${r.principals} / ${r.roles}`],
    ["wall time", `${fmt(r.seconds, 1)} s (${fmt(r.calls / r.seconds, 0)} calls/s)`],
    ["answers naming another principal, role or session", String(r.mismatchCount)],
    [
      "stdio calls alongside (local identity each time)",
      `${r.stdioCalls} (${r.stdioMismatches} wrong)`,
    ],
    ["contexts pushed / reset", `${r.contextsPushed} / ${r.contextsReset}`],
    ["AssumeRole calls", `${r.assumes} (one per principal)`],
  ];
  verdicts.check(
    `isolation: ${
      r.calls.toLocaleString("en-US")
    } calls from ${r.principals} principals, 0 mismatches, contexts pushed == reset`,
    problems.length === 0
      ? `${r.mismatchCount} mismatches; ${r.contextsPushed} pushed, ${r.contextsReset} reset`
      : problems.join("; "),
    problems.length === 0,
  );
  const body = [
    "The interleaving proof of `tests/server/isolation.ts` at scale: every (principal, call) pair shuffled with a fixed seed and drained by a pool of workers, half the principals on a 2025-era client and half on a 2026-07-28 client, each principal on one of 20 roles; every answer must name exactly its caller's principal, role and assumed-role session, while a stdio server answers the local identity alongside.",
    "",
    table(["", ""], rows),
  ].join("\n");
  return { title: "Isolation at scale", body, verdicts: verdicts.list };
}
