/**
 * Memory under load: a fresh quilt-mcp process per run serves 20,000 tools/call requests (3 in 4
 * to the cheap tool, 1 in 4 to the S3 tool, 64 principals); its resident set is read at start, after
 * 10,000 and after 20,000 requests. Target: growth ≤ 5% between 10k and 20k.
 * @module
 */
import { seedBucket } from "../tests/harness/mod.ts";
import { startLoadStack } from "../tests/resilience/load_stack.ts";
import { CHEAP_ARGS, CHEAP_TOOL, S3_ARGS, S3_TOOL } from "./http_bench.ts";
import { mcpHeaders, runLoad, toolCallBody } from "./load.ts";
import { type Section, table, Verdicts } from "./report.ts";
import { sleep } from "./servers.ts";
import { fmt, fmtSpread, spread } from "./stats.ts";

const mib = (kib: number) => kib / 1024;

/** Runs the memory section. */
export async function memoryBench(
  options: { runs: number; log: (line: string) => void },
): Promise<Section> {
  const verdicts = new Verdicts();
  const rows: Array<{ start: number; at10k: number; at20k: number; errors: number }> = [];
  for (let run = 0; run < options.runs; run++) {
    const stack = await startLoadStack();
    try {
      await seedBucket(
        stack.moto,
        "bench-bucket",
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`data/part-${i}.csv`, `${i}\n`])),
      );
      const tokens = await Promise.all(
        Array.from({ length: 64 }, (_, i) => stack.token(`mem-${i}@example.com`)),
      );
      const headers = tokens.map((t) => mcpHeaders(t));
      await sleep(500);
      const start = stack.server.rssKiB();
      let at10k = NaN;
      let at20k = NaN;
      const load = await runLoad({
        url: stack.mcpUrl,
        body: (i) =>
          i % 4 === 3 ? toolCallBody(S3_TOOL, S3_ARGS, i) : toolCallBody(CHEAP_TOOL, CHEAP_ARGS, i),
        headers: (i) => headers[i % headers.length],
      }, {
        concurrency: 16,
        requests: 20_000,
        onDone: (done) => {
          if (done === 10_000) at10k = stack.server.rssKiB();
          if (done === 20_000) at20k = stack.server.rssKiB();
        },
      });
      rows.push({ start, at10k, at20k, errors: load.errors });
      options.log(
        `  run ${run + 1}: RSS start ${fmt(mib(start), 0)} MiB, 10k ${
          fmt(mib(at10k), 1)
        } MiB, 20k ${fmt(mib(at20k), 1)} MiB, errors ${load.errors}`,
      );
    } finally {
      await stack.stop();
    }
  }
  const growth = spread(rows.map((r) => (r.at20k - r.at10k) / r.at10k * 100));
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  const body = [
    `A fresh server per run; 20,000 requests at concurrency 16 (3 of 4 ${CHEAP_TOOL}, 1 of 4 ${S3_TOOL} against moto), 64 principals. Resident set (VmRSS) of the server process. Median of ${options.runs} runs (min–max).`,
    "",
    table(["measurement", "median (min–max)", "target"], [
      [
        "RSS at start (listening, idle)",
        fmtSpread(spread(rows.map((r) => mib(r.start))), 1, " MiB"),
        "–",
      ],
      [
        "RSS after 10,000 requests",
        fmtSpread(spread(rows.map((r) => mib(r.at10k))), 1, " MiB"),
        "–",
      ],
      [
        "RSS after 20,000 requests",
        fmtSpread(spread(rows.map((r) => mib(r.at20k))), 1, " MiB"),
        "–",
      ],
      [
        "growth from 10k to 20k",
        fmtSpread(growth, 2, "%"),
        `≤ 5% ${
          verdicts.check(
            "RSS growth 10k → 20k requests ≤ 5%",
            `${fmt(growth.median, 2)}%`,
            growth.median <= 5,
          )
        }`,
      ],
      ["failed requests (all runs)", String(errors), "0"],
    ]),
  ].join("\n");
  return { title: "Memory under load", body, verdicts: verdicts.list };
}
