/**
 * The interleaving proof of request isolation, shared by the bounded test (isolation_test.ts, 2,000
 * calls in `make test`) and the bench (10,000 calls, `BENCH_SECTIONS=isolation`): many principals
 * over HTTP, each mapped to one of several roles, call `auth_status` in a shuffled order from a pool
 * of workers while a stdio client calls it too; every answer must name exactly the caller's own
 * principal, role and assumed-role session, and every request context pushed must be reset.
 * @module
 */
import { type Era, startStack, toolJson } from "../harness/mod.ts";

/** How big a run is. */
export interface IsolationOptions {
  readonly principals: number;
  readonly roles: number;
  readonly callsPerPrincipal: number;
  /** Concurrent HTTP callers. */
  readonly workers: number;
  /** Seed of the shuffle (fixed, so a failing order can be replayed). */
  readonly seed?: number;
}

/** What a run observed. */
export interface IsolationReport {
  readonly calls: number;
  readonly principals: number;
  readonly roles: number;
  readonly seconds: number;
  /** Answers that named another principal, role or session (first 10 shown). */
  readonly mismatches: string[];
  readonly mismatchCount: number;
  readonly stdioCalls: number;
  readonly stdioMismatches: number;
  /** ContextPush and ContextReset totals from the server's metrics. */
  readonly contextsPushed: number;
  readonly contextsReset: number;
  /** Successful AssumeRole calls (one per principal when the cache works). */
  readonly assumes: number;
}

/** Runs the proof against a fresh stack and reports; the caller decides what passes. */
export async function interleavedIsolation(options: IsolationOptions): Promise<IsolationReport> {
  const roles = Array.from(
    { length: options.roles },
    (_, i) => `iso-role-${String(i).padStart(2, "0")}`,
  );
  await using stack = await startStack({
    roles,
    env: { QUILT_MCP_RATE_LIMIT_BURST: "100000", QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000" },
  });
  const principals = await Promise.all(
    Array.from({ length: options.principals }, async (_, i) => {
      const subject = `user-${String(i).padStart(4, "0")}@example.com`;
      const role = roles[i % roles.length];
      const era: Era = i % 2 === 0 ? "legacy" : "modern";
      const client = await stack.http(subject, {
        era,
        claims: { quilt_role_arns: [stack.roleArn(role)] },
      });
      return { subject, role, client };
    }),
  );
  // Interleave: shuffle every (principal, call) pair with a fixed seed, then drain with a pool.
  const work = principals.flatMap((p) =>
    Array.from({ length: options.callsPerPrincipal }, () => p)
  );
  let seed = options.seed ?? 42;
  for (let i = work.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [work[i], work[j]] = [work[j], work[i]];
  }
  const mismatches: string[] = [];
  let mismatchCount = 0;
  let done = 0;
  const stdio = await stack.stdio();
  let stdioCalls = 0;
  let stdioMismatches = 0;
  let stopped = false;
  // The stdio client keeps calling until the HTTP load is drained (an event, not a duration).
  const stdioLoop = (async () => {
    while (!stopped && done < work.length) {
      const me = toolJson(await stdio.callTool({ name: "auth_status", arguments: {} }));
      stdioCalls++;
      if (
        me.client_type !== "desktop-stdio" || me.role_arn !== null ||
        !String(me.principal).startsWith("local:")
      ) {
        stdioMismatches++;
      }
    }
  })();
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: options.workers }, async () => {
      while (next < work.length) {
        const p = work[next++];
        const me = toolJson(await p.client.callTool({ name: "auth_status", arguments: {} }));
        const expectedArn = `arn:aws:sts::123456789012:assumed-role/${p.role}/mcp-${p.subject}`;
        if (
          me.principal !== p.subject || me.role_arn !== stack.roleArn(p.role) ||
          me.aws_arn !== expectedArn
        ) {
          mismatchCount++;
          if (mismatches.length < 10) {
            mismatches.push(`${p.subject} saw ${me.principal} / ${me.aws_arn}`);
          }
        }
        done++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    await stdioLoop;

    // Push == reset: every context entered is released when its response finishes; the metric
    // lines of the last responses may still be on their way, so wait for them (bounded generously).
    const totals = () => {
      let push = 0, reset = 0;
      for (const r of stack.server.logs()) {
        if (typeof r.ContextPush === "number") push += r.ContextPush;
        if (typeof r.ContextReset === "number") reset += r.ContextReset;
      }
      return { push, reset };
    };
    let counted = totals();
    const deadline = performance.now() + 60_000;
    while (
      (counted.push !== counted.reset || counted.push < work.length) &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 250));
      counted = totals();
    }
    const assumes = stack.server.logs().filter((r) =>
      r.msg === "sts_assume" && r.outcome === "ok"
    ).length;
    return {
      calls: work.length,
      principals: options.principals,
      roles: options.roles,
      seconds,
      mismatches,
      mismatchCount,
      stdioCalls,
      stdioMismatches,
      contextsPushed: counted.push,
      contextsReset: counted.reset,
      assumes,
    };
  } finally {
    stopped = true;
    await stdioLoop.catch(() => {});
    await stdio.close();
    for (const p of principals) await p.client.close();
  }
}

/** The pass criteria, shared by the test and the bench: empty = pass. */
export function isolationProblems(r: IsolationReport): string[] {
  const p: string[] = [];
  if (r.mismatchCount > 0) p.push(`${r.mismatchCount} mismatches: ${r.mismatches.join("; ")}`);
  if (r.stdioMismatches > 0) p.push(`${r.stdioMismatches} stdio answers not the local identity`);
  if (r.stdioCalls === 0) p.push("the stdio server did not answer while the HTTP load ran");
  if (r.contextsPushed < r.calls) p.push(`only ${r.contextsPushed} contexts for ${r.calls} calls`);
  if (r.contextsReset !== r.contextsPushed) {
    p.push(`contexts pushed ${r.contextsPushed} ≠ reset ${r.contextsReset}`);
  }
  if (r.assumes !== r.principals) {
    p.push(`${r.assumes} AssumeRole for ${r.principals} principals (one each expected)`);
  }
  return p;
}
