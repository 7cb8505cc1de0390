/**
 * The longer versions of the resilience scenarios and the fuzzers of tests/resilience/ (same code,
 * same pass criteria, bigger numbers): SIGTERM under heavier load, a longer AWS outage, JWKS down,
 * STS throttled for longer (and sustained throttling, one request at a time), and at least 10,000 generated
 * cases per fuzz target.
 * @module
 */
import { authFuzzProblems, fuzzAuth } from "../tests/resilience/fuzz_auth.ts";
import {
  ALL_CATEGORIES,
  fuzzTools,
  listTools,
  seedFuzzTargets,
  serverLogProblems,
  toolFuzzProblems,
} from "../tests/resilience/fuzz_tools.ts";
import { startLoadStack } from "../tests/resilience/load_stack.ts";
import {
  awsOutage,
  awsOutageProblems,
  jwksOutage,
  jwksOutageProblems,
  maxFlights,
  sigtermProblems,
  sigtermUnderLoad,
  STS_MAX_ATTEMPTS,
  stsThrottleProblems,
  stsThrottling,
} from "../tests/resilience/scenarios.ts";
import { JWKS_COOLDOWN_MS } from "../server/auth/jwks_keys.ts";
import { code, type Section, table, Verdicts } from "./report.ts";
import { fmt } from "./stats.ts";

const j = (v: unknown) => JSON.stringify(v);

/** Runs the resilience scenarios. */
export async function resilienceBench(options: { log: (line: string) => void }): Promise<Section> {
  const verdicts = new Verdicts();
  const rows: Array<Array<string | number>> = [];
  const details: string[] = [];
  const record = (name: string, setup: string, observed: string, problems: string[]) => {
    rows.push([
      name,
      setup,
      observed,
      verdicts.check(
        name,
        problems.length === 0 ? "pass" : problems.join("; "),
        problems.length === 0,
      ),
    ]);
    if (problems.length > 0) details.push(`**${name}** problems:`, code(problems.join("\n")));
    options.log(`  ${name}: ${problems.length === 0 ? "pass" : problems.join("; ")}`);
  };

  const sig = await sigtermUnderLoad({
    concurrency: 64,
    principals: 32,
    loadMs: 10_000,
    awsDelayMs: 300,
  });
  record(
    "SIGTERM under load: 0 failed in-flight requests",
    "64 concurrent S3 tool calls, 32 principals, AWS +300 ms, SIGTERM after 10 s",
    `${sig.inFlightAtSignal} in flight at the signal; before ${j(sig.before)}, after ${
      j(sig.after)
    }; drained in ${fmt(sig.drainMs, 0)} ms, exit ${sig.exitCode}`,
    sigtermProblems(sig, 32),
  );

  const aws = await awsOutage({ concurrency: 16, principals: 16, phaseMs: 10_000, downMs: 15_000 });
  record(
    "AWS emulator killed mid-run: clear errors, /healthz up, /readyz reports sts, recovery",
    "16 concurrent S3 tool calls, 16 principals; moto SIGKILLed for 15 s, restarted on the same port",
    `up ${j(aws.up)}; down ${j(aws.down)} — "${aws.downMessages[0] ?? ""}"; /healthz ${
      j(aws.healthz)
    }; /readyz down ${aws.readyzDown.status} (sts ok=${
      (aws.readyzDown.sts as { ok?: boolean })?.ok
    }), back ${aws.readyzBack.status}; resumed ${
      fmt(aws.recoveryMs, 0)
    } ms after moto listened; after ${j(aws.recovered)}`,
    awsOutageProblems(aws, 10_000),
  );

  const jw = await jwksOutage({ concurrency: 16, principals: 16, phaseMs: 10_000 });
  record(
    "JWKS endpoint down: 503 then recovery",
    "16 concurrent calls for 10 s: keys cached; then a server with no keys yet",
    `cached keys ${j(jw.cachedKeys)} (${jw.cachedFetches} fetches); no keys ${
      j(jw.coldStatuses)
    } (Retry-After on ${jw.coldRetryAfter}); issuer fetched ${jw.coldFetches} times in ${
      fmt(jw.coldMs / 1000, 1)
    } s for ${jw.coldRequests} refused requests (${
      fmt(jw.coldFetches / (jw.coldMs / 1000), 2)
    }/s); recovered ${fmt(jw.recoveryMs, 0)} ms after it returned; after ${j(jw.recovered)}`,
    jwksOutageProblems(jw, JWKS_COOLDOWN_MS + 3000),
  );

  const sts = await stsThrottling({
    principals: 20,
    perPrincipal: 4,
    throttleMs: 30_000,
    phaseMs: 5_000,
  });
  record(
    "STS throttling: bounded retries, backoff per principal (503 + Retry-After), recovery",
    "20 new principals × 4 concurrent S3 tool calls ignoring Retry-After; every AssumeRole throttled for 30 s; then clients honouring Retry-After",
    `${sts.throttledRequests} requests → ${
      j(sts.throttled)
    }; ${sts.assumeCallsThrottled} AssumeRole calls (${
      fmt(sts.assumeCallsThrottled / sts.throttledRequests, 3)
    } per request; at most ${sts.maxCallsPerPrincipal} per principal in ${
      fmt(sts.throttledForMs / 1000, 0)
    } s, ${sts.maxCallsPerPrincipalPerSecond} in any second); slowest answer ${
      fmt(sts.maxLatencyMs, 0)
    } ms; after: ${j(sts.recovered)}, all ${sts.principalsServed} principals served ${
      fmt(sts.allServedAfterMs, 0)
    } ms after STS recovered, with ${sts.assumeCallsRecovered} AssumeRole`,
    stsThrottleProblems(sts),
  );
  const sustained = await stsThrottling({
    principals: 20,
    perPrincipal: 1,
    throttleMs: 30_000,
    phaseMs: 5_000,
  });
  const sustainedProblems = stsThrottleProblems(sustained);
  record(
    "STS sustained throttling, one request at a time per principal: ≤ 1 flight per backoff window",
    "20 principals, one closed-loop request each (ignoring Retry-After), every AssumeRole throttled for 30 s",
    `${sustained.throttledRequests} requests made ${sustained.assumeCallsThrottled} AssumeRole calls (${
      fmt(sustained.assumeCallsThrottled / sustained.throttledRequests, 3)
    } per request; at most ${sustained.maxCallsPerPrincipal} per principal, bound ${
      maxFlights(sustained.throttledForMs) * STS_MAX_ATTEMPTS
    }); answers ${j(sustained.throttled)}; after: ${
      j(sustained.recovered)
    } with ${sustained.assumeCallsRecovered} AssumeRole`,
    sustainedProblems,
  );

  // Fuzzing: ≥ 10,000 cases per target.
  const fuzzCases = Number(Deno.env.get("BENCH_FUZZ_CASES") ?? "10000");
  const fuzzRows: Array<Array<string | number>> = [];
  {
    await using stack = await startLoadStack({ categories: ALL_CATEGORIES });
    const targets = await seedFuzzTargets(stack, "fuzz-bucket");
    const toolCount =
      (await listTools(stack.mcpUrl, await stack.token("count@example.com"))).length;
    const perTool = Math.ceil(fuzzCases / toolCount);
    const report = await fuzzTools(stack, {
      seed: 0x5eed_0b09,
      casesPerTool: perTool,
      concurrency: 8,
      targets,
    });
    const health = await fetch(`${stack.server.origin}/healthz`);
    await health.body?.cancel();
    await stack.server.sync();
    const problems = [
      ...toolFuzzProblems(report, 0.1),
      ...(health.status === 200 ? [] : [`/healthz ${health.status}`]),
      ...serverLogProblems(stack),
    ];
    const outcomes: Record<string, number> = {};
    let reached = 0;
    for (const s of Object.values(report.tools)) {
      reached += s.reachedTool;
      for (const [k, n] of Object.entries(s.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
    }
    fuzzRows.push([
      "tool inputs (every tool's input schema)",
      `${
        report.totalCases.toLocaleString("en-US")
      } (${toolCount} tools × ${perTool}), seed ${report.seed}`,
      `${j(outcomes)}; tool bodies ran ${reached.toLocaleString("en-US")} times; ${
        fmt(report.elapsedMs / 1000, 0)
      } s`,
      verdicts.check(
        "fuzz: tool inputs — no 5xx, no unhandled error, no crash",
        problems.join("; ") || "pass",
        problems.length === 0,
      ),
    ]);
    if (problems.length > 0) {
      details.push("**tool-input fuzz** problems:", code(problems.slice(0, 20).join("\n")));
    }
    options.log(
      `  fuzz tools: ${problems.length === 0 ? "pass" : problems.slice(0, 3).join("; ")}`,
    );
  }
  {
    await using stack = await startLoadStack();
    for (const [target, seed] of [["headers", 0x0a07_0b01], ["jwt", 0x0a07_0b02]] as const) {
      await stack.server.sync();
      const before = stack.server.metric("ToolCall");
      const report = await fuzzAuth(stack, { target, seed, cases: fuzzCases, concurrency: 8 });
      await stack.server.sync();
      const problems = [...authFuzzProblems(report, stack.server.metric("ToolCall") - before)];
      fuzzRows.push([
        target === "headers" ? "HTTP auth headers" : "JWT parsing and verification",
        `${report.cases.toLocaleString("en-US")}, seed ${seed}`,
        `HTTP ${j(report.statuses)}; ${Object.keys(report.kinds).length} case kinds; ${
          fmt(report.elapsedMs / 1000, 0)
        } s`,
        verdicts.check(
          `fuzz: ${target} — no 5xx, oracle holds`,
          problems.join("; ") || "pass",
          problems.length === 0,
        ),
      ]);
      if (problems.length > 0) {
        details.push(`**${target} fuzz** problems:`, code(problems.slice(0, 20).join("\n")));
      }
      options.log(
        `  fuzz ${target}: ${problems.length === 0 ? "pass" : problems.slice(0, 3).join("; ")}`,
      );
    }
    const health = await fetch(`${stack.server.origin}/healthz`);
    await health.body?.cancel();
    await stack.server.sync();
    const problems = [
      ...(health.status === 200 ? [] : [`/healthz ${health.status}`]),
      ...serverLogProblems(stack),
    ];
    fuzzRows.push([
      "auth fuzz server afterwards",
      "–",
      `/healthz ${health.status}; error logs ${
        stack.server.levels.error ?? 0
      }; non-JSON lines ${stack.server.foreignCount}`,
      verdicts.check(
        "fuzz: auth — server alive, no uncaught errors",
        problems.join("; ") || "pass",
        problems.length === 0,
      ),
    ]);
  }

  const body = [
    "The scenarios and fuzzers of tests/resilience/ (bounded there, for `make test`), run longer here with the same pass criteria.",
    "",
    table(["scenario", "setup", "observed", "verdict"], rows),
    "",
    "### Fuzzing",
    "",
    "Oracle: every answer well-formed; never a 5xx or a dropped connection; tool inputs → a tool result or an invalid-params error, never an internal error or an unhandled exception in a tool; auth → a 401 always carries the Bearer challenge, a 200 only for a token the issuer signed with acceptable claims (or a byte-identical re-encoding), a tool ran exactly for the accepted requests; afterwards /healthz answers and the server logged no error-level record and nothing that is not a JSON record.",
    "",
    table(["target", "cases", "observed", "verdict"], fuzzRows),
    ...(details.length > 0 ? ["", ...details] : []),
  ].join("\n");
  return { title: "Resilience and fuzzing", body, verdicts: verdicts.list };
}
