/**
 * Soak: a fresh server under moderate steady load for BENCH_SOAK_SECONDS (default 600): 20
 * principals, concurrency 8, 3 of 4 calls to the cheap tool and 1 of 4 to the S3 tool. Zero errors,
 * flat memory (resident set sampled every 10 s; the median of the second half against the first,
 * after a minute of warm-up, since the resident set saw-tooths with garbage collection), request
 * contexts all released.
 * @module
 */
import { seedBucket } from "../tests/harness/mod.ts";
import { startLoadStack } from "../tests/resilience/load_stack.ts";
import { mcpHeaders, toolCallBody } from "../tests/resilience/rpc.ts";
import { CHEAP_ARGS, CHEAP_TOOL, S3_ARGS, S3_TOOL } from "./http_bench.ts";
import { runLoad } from "./load.ts";
import { type Section, table, Verdicts } from "./report.ts";
import { sleep } from "./servers.ts";
import { fmt, quantile } from "./stats.ts";

/** Runs the soak. */
export async function soakBench(
  options: { seconds: number; log: (line: string) => void },
): Promise<Section> {
  const verdicts = new Verdicts();
  const stack = await startLoadStack();
  try {
    await seedBucket(
      stack.moto,
      "bench-bucket",
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`data/part-${i}.csv`, `${i}\n`])),
    );
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stack.token(`soak-${i}@example.com`)),
    );
    const headers = tokens.map((t) => mcpHeaders(t));
    const started = performance.now();
    const samples: Array<{ s: number; rssKiB: number }> = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        samples.push({ s: (performance.now() - started) / 1000, rssKiB: stack.server.rssKiB() });
        const next = samples.length * 10_000;
        while (!done && performance.now() - started < next) await sleep(200);
      }
    })();
    const load = await runLoad({
      url: stack.mcpUrl,
      body: (i) =>
        i % 4 === 3 ? toolCallBody(S3_TOOL, S3_ARGS, i) : toolCallBody(CHEAP_TOOL, CHEAP_ARGS, i),
      headers: (i) => headers[i % headers.length],
    }, { concurrency: 8, durationMs: options.seconds * 1000 });
    const duration = (performance.now() - started) / 1000;
    done = true;
    await sampler;
    await stack.server.sync();
    const push = stack.server.metric("ContextPush");
    const reset = stack.server.metric("ContextReset");
    const rssIn = (from: number, to: number) => {
      const v = samples.filter((x) => x.s >= from && x.s < to).map((x) => x.rssKiB).sort((a, b) =>
        a - b
      );
      return quantile(v, 0.5);
    };
    // RSS saw-tooths with garbage collection (tens of MiB): compare medians of many samples, the
    // first and the second half of the soak after its first minute (warm-up).
    const mid = (60 + duration) / 2;
    const firstHalf = rssIn(60, mid);
    const secondHalf = rssIn(mid, duration + 1);
    const growth = (secondHalf - firstHalf) / firstHalf * 100;
    const second = rssIn(60, 120);
    const last = rssIn(duration - 60, duration + 1);
    // Least-squares slope of RSS over time after the first minute, in MiB per hour.
    const pts = samples.filter((x) => x.s >= 60);
    const mx = pts.reduce((a, p) => a + p.s, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.rssKiB, 0) / pts.length;
    const slope = pts.reduce((a, p) => a + (p.s - mx) * (p.rssKiB - my), 0) /
      pts.reduce((a, p) => a + (p.s - mx) ** 2, 0);
    const slopeMiBh = slope * 3600 / 1024;
    options.log(
      `  soak: ${load.completed} ok, ${load.errors} errors, RSS median first half ${
        fmt(firstHalf / 1024, 1)
      } MiB, second half ${fmt(secondHalf / 1024, 1)} MiB`,
    );
    const longEnough = duration >= 120;
    const rows: Array<Array<string | number>> = [
      ["duration", `${fmt(duration, 0)} s`, `${options.seconds} s`],
      [
        "requests (ok / failed)",
        `${load.completed.toLocaleString("en-US")} / ${load.errors}`,
        `0 failed ${verdicts.check("soak: 0 errors", String(load.errors), load.errors === 0)}`,
      ],
      ["throughput", `${fmt(load.throughput, 0)} req/s`, "–"],
      [
        "latency p50 / p95 / p99",
        `${fmt(load.p50, 1)} / ${fmt(load.p95, 1)} / ${fmt(load.p99, 1)} ms`,
        "–",
      ],
      [
        "RSS: median of the first half → median of the second half (after the first minute)",
        longEnough
          ? `${fmt(firstHalf / 1024, 1)} → ${fmt(secondHalf / 1024, 1)} MiB (${fmt(growth, 2)}%)`
          : "soak shorter than 2 minutes",
        longEnough
          ? `flat (≤ 5%) ${
            verdicts.check(
              "soak: flat memory (RSS median of the second half ≤ 5% over the first half)",
              `${fmt(growth, 2)}%`,
              growth <= 5,
            )
          }`
          : "–",
      ],
      [
        "RSS: median of the 2nd minute → median of the last minute (6 samples each)",
        longEnough ? `${fmt(second / 1024, 1)} → ${fmt(last / 1024, 1)} MiB` : "–",
        "–",
      ],
      [
        "RSS trend after the first minute (least squares)",
        longEnough ? `${fmt(slopeMiBh, 1)} MiB/hour` : "–",
        "–",
      ],
      [
        "request contexts pushed / released",
        `${push} / ${reset}`,
        `equal ${
          verdicts.check("soak: every request context released", `${push}/${reset}`, push === reset)
        }`,
      ],
      [
        "error-level log records / non-JSON stderr lines",
        `${stack.server.levels.error ?? 0} / ${stack.server.foreignCount}`,
        "0 / 0",
      ],
    ];
    const parts = [
      `Fresh server; 20 principals; concurrency 8; 3 of 4 requests ${CHEAP_TOOL}, 1 of 4 ${S3_TOOL} against moto. RSS sampled every 10 s (${samples.length} samples).`,
      "",
      table(["measurement", "value", "target"], rows),
    ];
    if (load.errorSamples.length > 0) {
      parts.push(
        "",
        "Error samples:",
        "",
        ...load.errorSamples.map((e) => `- \`${e}\``),
      );
    }
    parts.push(
      "",
      "RSS samples (MiB, every 10 s):",
      "",
      samples.map((x) => fmt(x.rssKiB / 1024, 0)).join(" "),
    );

    return { title: "Soak", body: parts.join("\n"), verdicts: verdicts.list };
  } finally {
    await stack.stop();
  }
}
