/**
 * Per-user credential cache under steady load from 100 principals: every principal's first request
 * (the cold start) and then measured windows of S3 tool calls round-robin over all of them. Hit
 * ratio from the server's own CredentialCacheHit/Miss counters; STS AssumeRole calls counted at the
 * recording proxy in front of the emulator.
 * @module
 */
import { seedBucket } from "../tests/harness/mod.ts";
import { startLoadStack } from "../tests/resilience/load_stack.ts";
import { S3_ARGS, S3_TOOL } from "./http_bench.ts";
import { mcpHeaders, runLoad, toolCallBody } from "./load.ts";
import { type Section, table, Verdicts } from "./report.ts";
import { fmt, fmtSpread, spread } from "./stats.ts";

const PRINCIPALS = 100;
/** Session length the server asks for (its default, the role-chaining maximum). */
const SESSION_S = 3600;
/** The cache refreshes credentials this long before they expire (CredentialCache's default). */
const REFRESH_BEFORE_S = 300;

/** Runs the credential cache section. */
export async function cacheBench(
  options: { windows: number; windowRequests: number; log: (line: string) => void },
): Promise<Section> {
  const verdicts = new Verdicts();
  const stack = await startLoadStack({ viaProxy: true });
  try {
    await seedBucket(
      stack.moto,
      "bench-bucket",
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`data/part-${i}.csv`, `${i}\n`])),
    );
    const proxy = stack.proxy!;
    const tokens = await Promise.all(
      Array.from({ length: PRINCIPALS }, (_, i) => stack.token(`cache-${i}@example.com`)),
    );
    const headers = tokens.map((t) => mcpHeaders(t));
    const plan = {
      url: stack.mcpUrl,
      body: (i: number) => toolCallBody(S3_TOOL, S3_ARGS, i),
      headers: (i: number) => headers[i % PRINCIPALS],
    };
    const counters = async () => {
      await stack.server.sync();
      return {
        hit: stack.server.metric("CredentialCacheHit"),
        miss: stack.server.metric("CredentialCacheMiss"),
        assume: proxy.of("AssumeRole").length,
        at: performance.now(),
      };
    };
    const c0 = await counters();
    const cold = await runLoad(plan, { concurrency: 16, requests: PRINCIPALS });
    const c1 = await counters();
    const windows: Array<{ ratio: number; assume: number; errors: number; seconds: number }> = [];
    let prev = c1;
    for (let w = 0; w < options.windows; w++) {
      const load = await runLoad(plan, { concurrency: 16, requests: options.windowRequests });
      const c = await counters();
      const hits = c.hit - prev.hit;
      const misses = c.miss - prev.miss;
      windows.push({
        ratio: hits / (hits + misses),
        assume: c.assume - prev.assume,
        errors: load.errors,
        seconds: (c.at - prev.at) / 1000,
      });
      options.log(
        `  window ${w + 1}: hit ratio ${fmt(hits / (hits + misses) * 100, 3)}%, AssumeRole ${
          c.assume - prev.assume
        }, errors ${load.errors}`,
      );
      prev = c;
    }
    const all = await counters();
    const steady = spread(windows.map((w) => w.ratio * 100));
    const overall = (all.hit - c0.hit) / (all.hit - c0.hit + all.miss - c0.miss) * 100;
    const totalAssume = all.assume - c0.assume;
    const runSeconds = (all.at - c0.at) / 1000;
    const steadyAssume = windows.reduce((n, w) => n + w.assume, 0);
    const perHourSteady = 3600 / (SESSION_S - REFRESH_BEFORE_S);
    const body = [
      `${PRINCIPALS} principals (each its own token and STS session, same role), ${S3_TOOL} at concurrency 16 round-robin over all of them, through the recording proxy in front of moto. First every principal's first request (cold start), then ${options.windows} windows of ${
        options.windowRequests.toLocaleString("en-US")
      } requests. Hit ratio = CredentialCacheHit / (Hit + Miss) from the server's EMF counters.`,
      "",
      table(["measurement", "value", "target"], [
        [
          `steady-state hit ratio per window (median of ${options.windows}, min–max)`,
          fmtSpread(steady, 3, "%"),
          `≥ 99% ${
            verdicts.check(
              "credential cache hit ratio under steady load from 100 principals ≥ 99%",
              `${fmt(steady.median, 3)}%`,
              steady.median >= 99,
            )
          }`,
        ],
        [
          `hit ratio over the whole run including the cold start (${
            (PRINCIPALS + options.windows * options.windowRequests).toLocaleString("en-US")
          } requests)`,
          `${fmt(overall, 3)}%`,
          "–",
        ],
        [
          "cold-start requests: AssumeRole calls",
          `${c1.assume - c0.assume} for ${PRINCIPALS} principals (${cold.errors} errors)`,
          "–",
        ],
        ["AssumeRole calls during the steady windows", String(steadyAssume), "–"],
        [
          "AssumeRole calls per principal over the run",
          `${fmt(totalAssume / PRINCIPALS, 2)} in ${fmt(runSeconds, 0)} s`,
          "–",
        ],
        [
          "STS calls per principal per hour (steady state, extrapolated)",
          `${fmt(perHourSteady, 2)}`,
          "–",
        ],
        [
          "failed requests",
          String(cold.errors + windows.reduce((n, w) => n + w.errors, 0)),
          "0",
        ],
      ]),
      "",
      `How the hourly figure is extrapolated: the run is far shorter than a session, so it can only show the cold start (measured: ${
        fmt(totalAssume / PRINCIPALS, 2)
      } AssumeRole per principal, all at its first request, none while the credentials were cached). After that, a principal that stays active keeps its credentials until ${REFRESH_BEFORE_S} s before the ${SESSION_S} s session ends and then refreshes them once, so it makes one AssumeRole every ${
        SESSION_S - REFRESH_BEFORE_S
      } s: 3600 / ${SESSION_S - REFRESH_BEFORE_S} = ${
        fmt(perHourSteady, 2)
      } calls per principal per hour (plus the one cold call in the hour it first appears; fewer if it goes idle, since nothing refreshes idle entries). The refresh margin and single flight are exercised with an injected clock by tests/server/credential_cache_test.ts.`,
    ].join("\n");
    return { title: "Credential cache", body, verdicts: verdicts.list };
  } finally {
    await stack.stop();
  }
}
