/**
 * HTTP tools/call throughput and latency: quilt-mcp (JWT RS256 via JWKS, per-user STS credentials
 * cached, the whole middleware chain and telemetry) against the baseline (a bare stateless MCP SDK
 * server serving the product's own definition of the same tool), interleaved run by run (ABBA…)
 * so machine noise hits both alike; ratios are computed per pair. When a target is missed, both
 * servers are profiled under the same load (--cpu-prof) and the profiles summarised.
 * @module
 */
import { seedBucket } from "../tests/harness/mod.ts";
import { type LoadStack, startLoadStack } from "../tests/resilience/load_stack.ts";
import { type LoadResult, mcpHeaders, type RequestPlan, runLoad, toolCallBody } from "./load.ts";
import { newestProfile, type ProfileSummary, summarizeProfile } from "./profile.ts";
import { code, type Section, table, Verdicts } from "./report.ts";
import { type BaselineServer, cpuMsOf, startBaseline } from "./servers.ts";
import { fmt, fmtSpread, spread } from "./stats.ts";

/** Targets of the cheap tool, as ratios to the baseline measured in the same run. */
export const TARGETS = { throughput: 0.9, p50: 1.2, cpu: 1.1 } as const;

/** The cheap tool of the comparison: pure computation, no AWS call (catalog category). */
export const CHEAP_TOOL = "catalog_uri";
/** Its arguments: build a quilt+s3 URI from parts. */
export const CHEAP_ARGS = { bucket: "bench-bucket", package: "team/dataset", path: "data/" };
/** The S3 tool of the comparison, against the emulator. */
export const S3_TOOL = "bucket_objects_list";
/** Its arguments: one page of a 20-object prefix. */
export const S3_ARGS = { bucket: "bench-bucket", prefix: "data/" };

/** Requests per side and concurrency before anything is measured (covers 64 principals × 4). */
const WARM_UP_REQUESTS = 1500;

/** Options of the HTTP section. */
export interface HttpBenchOptions {
  readonly runs: number;
  readonly segmentMs: number;
  readonly concurrencies: readonly number[];
  readonly principals: number;
  readonly profileDir: string;
  readonly log: (line: string) => void;
}

interface Measured {
  readonly load: LoadResult;
  readonly cpuMsPerRequest: number;
}

async function measure(plan: RequestPlan, pid: number, c: number, ms: number): Promise<Measured> {
  const cpu0 = cpuMsOf(pid);
  const load = await runLoad(plan, { concurrency: c, durationMs: ms });
  const cpu1 = cpuMsOf(pid);
  const n = load.completed + load.errors;
  return { load, cpuMsPerRequest: n > 0 ? (cpu1 - cpu0) / n : NaN };
}

function plans(
  stack: LoadStack,
  baseline: BaselineServer,
  tokens: string[],
  tool: string,
  args: unknown,
): { product: RequestPlan; baseline: RequestPlan } {
  const productHeaders = tokens.map((t) => mcpHeaders(t));
  const plainHeaders = mcpHeaders();
  return {
    product: {
      url: stack.mcpUrl,
      body: (i) => toolCallBody(tool, args, i),
      headers: (i) => productHeaders[i % productHeaders.length],
    },
    baseline: {
      url: baseline.url,
      body: (i) => toolCallBody(tool, args, i),
      headers: () => plainHeaders,
    },
  };
}

interface Pair {
  readonly c: number;
  readonly product: Measured;
  readonly baseline: Measured;
}

function profileTable(s: ProfileSummary): string {
  return [
    `Profile: ${fmt(s.totalMs, 0)} ms sampled, ${
      fmt(s.busyMs, 0)
    } ms busy; shares below are of the busy time.`,
    "",
    table(
      ["code area (inclusive)", "share"],
      s.areas.slice(0, 12).map((r) => [r.name, `${fmt(r.share * 100)}%`]),
    ),
    "",
    table(
      ["function (self time)", "share"],
      s.selfTop.slice(0, 12).map((r) => [`\`${r.name}\``, `${fmt(r.share * 100)}%`]),
    ),
  ].join("\n");
}

/** Profiles the product and the baseline under the same load of the cheap tool. */
async function profileBoth(
  options: HttpBenchOptions,
  tokens: (stack: LoadStack) => Promise<string[]>,
): Promise<string> {
  const productDir = `${options.profileDir}/product`;
  const baselineDir = `${options.profileDir}/baseline`;
  await Deno.mkdir(productDir, { recursive: true });
  await Deno.mkdir(baselineDir, { recursive: true });
  const stack = await startLoadStack({
    denoFlags: ["--cpu-prof", `--cpu-prof-dir=${productDir}`],
    logs: "count",
  });
  let baseline: BaselineServer | undefined;
  try {
    const toks = await tokens(stack);
    baseline = await startBaseline([CHEAP_TOOL], stack.moto.env(), [
      "--cpu-prof",
      `--cpu-prof-dir=${baselineDir}`,
    ]);
    const p = plans(stack, baseline, toks, CHEAP_TOOL, CHEAP_ARGS);
    await runLoad(p.product, { concurrency: 16, requests: 500 });
    await runLoad(p.baseline, { concurrency: 16, requests: 500 });
    const prodLoad = await runLoad(p.product, { concurrency: 16, durationMs: 8000 });
    const baseLoad = await runLoad(p.baseline, { concurrency: 16, durationMs: 8000 });
    await baseline.stop();
    await stack.stop();
    const [prodProfile, baseProfile] = [
      await newestProfile(productDir),
      await newestProfile(baselineDir),
    ];
    const parts = [
      `Both servers profiled with \`deno run --cpu-prof\` under ${CHEAP_TOOL} at concurrency 16 for 8 s each (the profiles include start-up and warm-up): product ${
        fmt(prodLoad.throughput, 0)
      } req/s, baseline ${fmt(baseLoad.throughput, 0)} req/s during the profiled runs.`,
    ];
    if (prodProfile) {
      parts.push("", "**quilt-mcp**", "", profileTable(await summarizeProfile(prodProfile)));
    }
    if (baseProfile) {
      parts.push("", "**baseline**", "", profileTable(await summarizeProfile(baseProfile)));
    }
    return parts.join("\n");
  } finally {
    await baseline?.stop();
    await stack.stop();
  }
}

/** Runs the HTTP section. */
export async function httpBench(options: HttpBenchOptions): Promise<Section> {
  const verdicts = new Verdicts();
  const body: string[] = [];
  const mintTokens = (stack: LoadStack) =>
    Promise.all(
      Array.from({ length: options.principals }, (_, i) => stack.token(`bench-${i}@example.com`)),
    );
  // The product's log lines are counted, not parsed, by this process while it measures: parsing
  // them here would spend the shared cores' time on the bench's side of the pipe (in production the
  // log driver reads them), and the baseline's are only drained too.
  const stack = await startLoadStack({ logs: "count" });
  const results: Record<string, Pair[]> = {};
  try {
    await seedBucket(
      stack.moto,
      "bench-bucket",
      Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`data/part-${i}.csv`, `id,value\n${i},x\n`]),
      ),
    );
    const tokens = await mintTokens(stack);
    for (const [tool, args] of [[CHEAP_TOOL, CHEAP_ARGS], [S3_TOOL, S3_ARGS]] as const) {
      const baseline = await startBaseline([tool], {
        ...stack.moto.env(),
        QUILT_MCP_S3_FORCE_PATH_STYLE: "true",
      });
      try {
        const p = plans(stack, baseline, tokens, tool, args);
        // Warm-up, the same for both: JIT (V8 keeps optimising for a few thousand requests),
        // connection pools, and every principal's STS credentials (cached after): steady state.
        for (const c of [16, 1, 64]) {
          await runLoad(p.product, { concurrency: c, requests: WARM_UP_REQUESTS });
          await runLoad(p.baseline, { concurrency: c, requests: WARM_UP_REQUESTS });
        }
        const pairs: Pair[] = [];
        for (const c of options.concurrencies) {
          for (let run = 0; run < options.runs; run++) {
            // ABBA: alternate which server goes first, so drift does not favour one side.
            let product: Measured, base: Measured;
            if (run % 2 === 0) {
              base = await measure(p.baseline, baseline.pid, c, options.segmentMs);
              product = await measure(p.product, stack.server.pid, c, options.segmentMs);
            } else {
              product = await measure(p.product, stack.server.pid, c, options.segmentMs);
              base = await measure(p.baseline, baseline.pid, c, options.segmentMs);
            }
            pairs.push({ c, product, baseline: base });
            options.log(
              `  ${tool} c=${c} run ${run + 1}: product ${
                fmt(product.load.throughput, 0)
              } req/s p50 ${fmt(product.load.p50, 2)} ms, baseline ${
                fmt(base.load.throughput, 0)
              } req/s p50 ${
                fmt(base.load.p50, 2)
              } ms, errors ${product.load.errors}/${base.load.errors}`,
            );
          }
        }
        results[tool] = pairs;
      } finally {
        await baseline.stop();
      }
    }
    await stack.server.sync();
    body.push(
      `quilt-mcp: one server process (\`deno run\` with the binary's permission flags), JWKS (RS256) auth, ${options.principals} principals' tokens round-robin, each principal's STS credentials cached during the warm-up (${
        3 * WARM_UP_REQUESTS
      } requests per side, at concurrency 16, 1 and 64), default tool categories, default telemetry (JSON logs + EMF on stderr: ${
        stack.server.lineCount.toLocaleString("en-US")
      } lines written during the section, counted by the bench but not parsed; the baseline's stderr is drained alike). Baseline: \`bench/baseline_server.ts\` serving the product's own definition of the tool. Each cell: median over ${options.runs} runs of ${
        options.segmentMs / 1000
      } s (min–max); ratios are computed per interleaved pair, then summarised. CPU ms/request: the server process's user+system time over the run divided by its requests.`,
    );
  } finally {
    await stack.stop();
  }

  let missed = false;
  for (const [tool, pairs] of Object.entries(results)) {
    const cheap = tool === CHEAP_TOOL;
    body.push(
      "",
      `### ${tool} ${
        cheap ? "(cheap tool: no AWS call)" : "(S3 against moto; informational, no target)"
      }`,
      "",
    );
    const rows: Array<Array<string | number>> = [];
    for (const c of options.concurrencies) {
      const ps = pairs.filter((p) => p.c === c);
      const thrRatio = spread(
        ps.map((p) => p.product.load.throughput / p.baseline.load.throughput),
      );
      const p50Ratio = spread(ps.map((p) => p.product.load.p50 / p.baseline.load.p50));
      const errors = ps.reduce((n, p) => n + p.product.load.errors, 0);
      const baseErrors = ps.reduce((n, p) => n + p.baseline.load.errors, 0);
      const cpuRatio = spread(
        ps.map((p) => p.product.cpuMsPerRequest / p.baseline.cpuMsPerRequest),
      );
      let thrVerdict = "–";
      let p50Verdict = "–";
      let cpuVerdict = "–";
      if (cheap) {
        thrVerdict = verdicts.check(
          `${tool} throughput ≥ ${TARGETS.throughput}× baseline at c=${c}`,
          `${fmt(thrRatio.median, 2)}×`,
          thrRatio.median >= TARGETS.throughput,
        );
        p50Verdict = verdicts.check(
          `${tool} p50 ≤ ${TARGETS.p50}× baseline at c=${c}`,
          `${fmt(p50Ratio.median, 2)}×`,
          p50Ratio.median <= TARGETS.p50,
        );
        cpuVerdict = verdicts.check(
          `${tool} CPU ms per request ≤ ${TARGETS.cpu}× baseline at c=${c}`,
          `${fmt(cpuRatio.median, 2)}×`,
          cpuRatio.median <= TARGETS.cpu,
        );
        if (
          thrRatio.median < TARGETS.throughput || p50Ratio.median > TARGETS.p50 ||
          cpuRatio.median > TARGETS.cpu
        ) missed = true;
      }
      rows.push([
        c,
        fmtSpread(spread(ps.map((p) => p.product.load.throughput)), 0),
        fmtSpread(spread(ps.map((p) => p.baseline.load.throughput)), 0),
        `${fmtSpread(thrRatio, 2)} ${thrVerdict}`,
        `${fmt(spread(ps.map((p) => p.product.load.p50)).median, 2)} / ${
          fmt(spread(ps.map((p) => p.product.load.p95)).median, 2)
        } / ${fmt(spread(ps.map((p) => p.product.load.p99)).median, 2)}`,
        `${fmt(spread(ps.map((p) => p.baseline.load.p50)).median, 2)} / ${
          fmt(spread(ps.map((p) => p.baseline.load.p95)).median, 2)
        } / ${fmt(spread(ps.map((p) => p.baseline.load.p99)).median, 2)}`,
        `${fmtSpread(p50Ratio, 2)} ${p50Verdict}`,
        `${fmt(spread(ps.map((p) => p.product.cpuMsPerRequest)).median, 2)} / ${
          fmt(spread(ps.map((p) => p.baseline.cpuMsPerRequest)).median, 2)
        }`,
        `${fmtSpread(cpuRatio, 2)} ${cpuVerdict}`,
        `${errors} / ${baseErrors}`,
      ]);
    }
    body.push(
      table([
        "concurrency",
        "quilt-mcp req/s",
        "baseline req/s",
        "throughput ratio",
        "quilt-mcp p50/p95/p99 ms",
        "baseline p50/p95/p99 ms",
        "p50 ratio",
        "CPU ms/req (quilt-mcp / baseline)",
        "CPU ratio",
        "errors (quilt-mcp / baseline)",
      ], rows),
    );
    const samples = pairs.flatMap((p) => p.product.load.errorSamples).slice(0, 3);
    if (samples.length > 0) body.push("", "Error samples:", code(samples.join("\n")));
  }
  if (missed) {
    options.log("  profiling (a target was missed)…");
    body.push("", "### Profiles (a target was missed)", "", await profileBoth(options, mintTokens));
  }
  return {
    title: "HTTP tools/call throughput and latency",
    body: body.join("\n"),
    verdicts: verdicts.list,
  };
}
