/**
 * The capacity model of docs/deployment.md ("Capacity: tasks for U users at R calls/s"), computed
 * from the measured figures in bench/RESULTS.md (CPU ms per tools/call, as bench/http_bench.ts
 * writes its tables) and the deployment kit's defaults in modules/parameters.json (Fargate task CPU
 * units, autoscaling targets, memory). Nothing in the section is typed by hand: `make docs` rewrites
 * it, and tests/docs/generated_docs_test.ts fails when the committed section differs.
 *
 * Usage: deno run --allow-read [--allow-write=docs/deployment.md] bench/capacity.ts
 *          [--results bench/RESULTS.md] [--parameters modules/parameters.json] [--write DOC]
 * Without --write the section is printed; with it, the section between the markers of DOC is
 * replaced. Missing figures are an error that names what is missing, never a silent default.
 * @module
 */

/** Raised when the results or parameters lack a figure the model needs. */
export class CapacityInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CapacityInputError";
  }
}

/** CPU ms per request of quilt-mcp for one tool at each measured concurrency. */
export interface ToolCost {
  readonly tool: string;
  /** True for the tool whose call reaches AWS (the heading does not say "no AWS call"). */
  readonly callsAws: boolean;
  readonly byConcurrency: ReadonlyArray<{ concurrency: number; cpuMs: number }>;
}

/** What the model reads from bench/RESULTS.md. */
export interface BenchFigures {
  readonly date: string;
  readonly commit: string;
  readonly cpu: string;
  readonly tools: readonly ToolCost[];
  /** Resident set after 20,000 requests (Memory section), when the run had it. */
  readonly rssUnderLoadMiB?: number;
  /** AssumeRole calls per principal per hour and task (Credential cache section), when present. */
  readonly stsCallsPerPrincipalHour?: number;
}

/** The deployment kit's defaults the model uses (modules/parameters.json). */
export interface KitDefaults {
  readonly cpuUnits: number;
  readonly allowedCpuUnits: readonly number[];
  readonly memoryMiB: number;
  readonly cpuTargetPercent: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly requestsPerTargetPerMinute: number;
}

/** The section and column of bench/http_bench.ts's tables the model reads. */
export const HTTP_SECTION = "## HTTP tools/call throughput and latency";
export const CPU_COLUMN = "CPU ms/req (quilt-mcp / baseline)";

/** The body of a `## ` section (up to the next `## `), or undefined. */
function section(markdown: string, heading: string): string | undefined {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Rows of the first Markdown table in `text` whose header has `column`, as header → cell maps. */
function tableWith(text: string, column: string): Array<Record<string, string>> | undefined {
  const lines = text.split("\n");
  const cells = (line: string) =>
    line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith("|")) continue;
    const head = cells(lines[i]);
    if (!head.includes(column)) continue;
    const rows: Array<Record<string, string>> = [];
    for (let j = i + 2; j < lines.length && lines[j].trim().startsWith("|"); j++) {
      const row = cells(lines[j]);
      rows.push(Object.fromEntries(head.map((h, k) => [h, row[k] ?? ""])));
    }
    return rows;
  }
  return undefined;
}

/** A number at the start of a cell ("1,169 (996–1,298)" → 1169). */
function leadingNumber(cell: string): number | undefined {
  const m = /^-?[0-9][0-9,]*(\.[0-9]+)?/.exec(cell.trim());
  return m ? Number(m[0].replaceAll(",", "")) : undefined;
}

/** Reads the figures the model needs from bench/RESULTS.md; throws CapacityInputError otherwise. */
export function parseBenchResults(markdown: string, source = "bench/RESULTS.md"): BenchFigures {
  const missing = (what: string) =>
    new CapacityInputError(
      `${source}: ${what}. The capacity model needs the HTTP section of \`make bench\` (bench/run.ts; BENCH_SECTIONS=http at least).`,
    );
  const machine = section(markdown, "## Machine");
  const fact = (name: string) => {
    const m = new RegExp(`^\\|\\s*${name}\\s*\\|\\s*([^|]+?)\\s*\\|`, "m").exec(machine ?? "");
    if (!m) throw missing(`no "${name}" in the Machine table`);
    return m[1];
  };
  const http = section(markdown, HTTP_SECTION);
  if (http === undefined) throw missing(`no "${HTTP_SECTION.slice(3)}" section`);
  const tools: ToolCost[] = [];
  for (const part of http.split(/^### /m).slice(1)) {
    const heading = part.slice(0, part.indexOf("\n"));
    const tool = /^([a-z_]+) \(/.exec(heading)?.[1];
    if (!tool) continue; // e.g. "Profiles (a target was missed)"
    const rows = tableWith(part, CPU_COLUMN);
    if (!rows) throw missing(`the ${tool} table has no "${CPU_COLUMN}" column`);
    const byConcurrency = rows.map((r) => {
      const concurrency = leadingNumber(r.concurrency ?? "");
      const cpuMs = leadingNumber(r[CPU_COLUMN]);
      if (concurrency === undefined || cpuMs === undefined || !(cpuMs > 0)) {
        throw missing(
          `a ${tool} row without a concurrency or a positive CPU ms/req (${JSON.stringify(r)})`,
        );
      }
      return { concurrency, cpuMs };
    });
    if (byConcurrency.length === 0) throw missing(`the ${tool} table has no rows`);
    tools.push({ tool, callsAws: !heading.includes("no AWS call"), byConcurrency });
  }
  if (!tools.some((t) => t.callsAws)) throw missing("no table of a tool that calls AWS");
  const memory = tableWith(section(markdown, "## Memory under load") ?? "", "measurement");
  const rss = memory?.find((r) => /^RSS after 20,000 requests$/.test(r.measurement ?? ""));
  const cache = tableWith(section(markdown, "## Credential cache") ?? "", "measurement");
  const sts = cache?.find((r) => /^STS calls per principal per hour/.test(r.measurement ?? ""));
  return {
    date: fact("date"),
    commit: fact("commit"),
    cpu: fact("CPU"),
    tools,
    ...(rss ? { rssUnderLoadMiB: leadingNumber(rss["median (min–max)"] ?? "") } : {}),
    ...(sts ? { stsCallsPerPrincipalHour: leadingNumber(sts.value ?? "") } : {}),
  };
}

/** Reads the defaults the model uses from modules/parameters.json. */
export function parseKitDefaults(json: string, source = "modules/parameters.json"): KitDefaults {
  const params = (JSON.parse(json) as {
    parameters?: Array<{ name: string; default?: unknown; validation?: { allowed?: unknown[] } }>;
  }).parameters ?? [];
  const get = (name: string) => {
    const p = params.find((x) => x.name === name);
    if (typeof p?.default !== "number") {
      throw new CapacityInputError(`${source}: parameter ${name} has no numeric default`);
    }
    return p;
  };
  const cpu = get("cpu");
  return {
    cpuUnits: cpu.default as number,
    allowedCpuUnits: (cpu.validation?.allowed ?? []).filter((x): x is number =>
      typeof x === "number"
    ),
    memoryMiB: get("memory").default as number,
    cpuTargetPercent: get("autoscaling_cpu_target").default as number,
    minTasks: get("autoscaling_min_capacity").default as number,
    maxTasks: get("autoscaling_max_capacity").default as number,
    requestsPerTargetPerMinute: get("autoscaling_requests_per_target").default as number,
  };
}

/** Fargate: 1024 CPU units are one vCPU. */
export const UNITS_PER_VCPU = 1024;
/** The server runs requests on one JavaScript thread: a task uses at most one vCPU for them. */
export const MAX_USEFUL_VCPU = 1;

/** The model's inputs, reduced to numbers. */
export interface CapacityModel {
  /** CPU ms per tool call used for sizing (the AWS-calling tool's highest measured figure). */
  readonly costMs: number;
  readonly targetPercent: number;
  readonly minTasks: number;
}

/** vCPU a task of `cpuUnits` can spend on requests. */
export function usableVcpu(cpuUnits: number): number {
  return Math.min(cpuUnits / UNITS_PER_VCPU, MAX_USEFUL_VCPU);
}

/** Tool calls per second one task serves at the target utilisation. */
export function callsPerTask(model: CapacityModel, cpuUnits: number): number {
  return (usableVcpu(cpuUnits) * 1000 * model.targetPercent / 100) / model.costMs;
}

/** Tasks for `users` active users making `perUser` calls per second each. */
export function tasksNeeded(
  model: CapacityModel,
  cpuUnits: number,
  users: number,
  perUser: number,
): number {
  return Math.max(model.minTasks, Math.ceil(users * perUser / callsPerTask(model, cpuUnits)));
}

/** The model from the measured figures and the kit's defaults. */
export function modelFrom(bench: BenchFigures, kit: KitDefaults): CapacityModel {
  const aws = bench.tools.filter((t) => t.callsAws).flatMap((t) => t.byConcurrency);
  return {
    costMs: Math.max(...aws.map((r) => r.cpuMs)),
    targetPercent: kit.cpuTargetPercent,
    minTasks: kit.minTasks,
  };
}

const USERS = [10, 100, 1_000, 10_000];
const RATES = [0.05, 0.2, 1];
/** The markers of the generated section in docs/deployment.md. */
export const START = "<!-- capacity-model:start -->";
export const END = "<!-- capacity-model:end -->";

const n = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(cells: Array<string | number>): string {
  return `| ${cells.join(" | ")} |`;
}

/** The generated section, between its markers. */
export function renderCapacitySection(bench: BenchFigures, kit: KitDefaults): string {
  const model = modelFrom(bench, kit);
  const perTask = callsPerTask(model, kit.cpuUnits);
  const concurrencies = [
    ...new Set(bench.tools.flatMap((t) => t.byConcurrency.map((r) => r.concurrency))),
  ].sort((a, b) => a - b);
  const lines: string[] = [
    START,
    "",
    `_Generated by \`make docs\` (bench/capacity.ts) from bench/RESULTS.md (run of ${bench.date}, commit ${bench.commit}) and the defaults in modules/parameters.json; do not edit by hand._`,
    "",
    "Measured CPU time of the server process per `tools/call` (user + system time over the run divided by its requests; JWKS-verified token, per-user credentials cached):",
    "",
    row(["tool", ...concurrencies.map((c) => `concurrency ${c}`)]),
    row(["---", ...concurrencies.map(() => "---")]),
    ...bench.tools.map((t) =>
      row([
        `\`${t.tool}\` ${t.callsAws ? "(one AWS call)" : "(no AWS call)"}`,
        ...concurrencies.map((c) => {
          const r = t.byConcurrency.find((x) => x.concurrency === c);
          return r ? `${n(r.cpuMs, 2)} ms` : "–";
        }),
      ])
    ),
    "",
    "Assumptions (each one is a choice; change the inputs and run `make docs`):",
    "",
    `- **Cost per call: ${
      n(model.costMs, 2)
    } ms of CPU**, the highest figure of the tool that calls AWS: most tool calls reach AWS (signing, an HTTPS exchange, parsing the answer), and a cheap call costs less. The bench's AWS was an emulator on the same machine with small answers; large listings or objects cost more per call.`,
    `- **One vCPU per ${UNITS_PER_VCPU} Fargate CPU units, at most ${MAX_USEFUL_VCPU} vCPU used per task**: the server handles requests on one JavaScript thread, so task sizes above ${UNITS_PER_VCPU} units add no per-task throughput. Scale out with more tasks instead.`,
    `- **Target CPU utilisation ${model.targetPercent}%** (\`autoscaling_cpu_target\`): the remaining ${
      100 - model.targetPercent
    }% is the headroom for bursts, garbage collection and the load of a task that is being replaced.`,
    `- **At least ${model.minTasks} tasks** (\`autoscaling_min_capacity\`, one per Availability Zone), whatever the load.`,
    `- **Measured on ${bench.cpu}** (shared with other work), not on Fargate: a Fargate vCPU may be faster or slower. Size with margin, or run \`make bench\` on your own platform and \`make docs\` again.`,
    "",
    "Calls per second one task serves at the target utilisation:",
    "",
    "```",
    `calls/s per task = min(cpu / ${UNITS_PER_VCPU}, ${MAX_USEFUL_VCPU}) × 1000 ms × ${model.targetPercent}% / ${
      n(model.costMs, 2)
    } ms`,
    `tasks(U users, R calls/s each) = max(${model.minTasks}, ceil(U × R / calls/s per task))`,
    "```",
    "",
    row(["task `cpu` (units)", "vCPU used", "calls/s per task", "calls/min per task"]),
    row(["---", "---", "---", "---"]),
    ...kit.allowedCpuUnits.filter((u) => u <= 4 * UNITS_PER_VCPU).map((u) =>
      row([
        u === kit.cpuUnits ? `${u} (default)` : String(u),
        n(usableVcpu(u), 2),
        n(callsPerTask(model, u), 1),
        n(callsPerTask(model, u) * 60),
      ])
    ),
    "",
    `Tasks needed with the default task size (\`cpu\` = ${kit.cpuUnits}), for U active users each making R tool calls per second (an HTTP request to \`/mcp\` counts as a call: a new client session's \`initialize\` and \`tools/list\` too):`,
    "",
    row(["active users U", ...RATES.map((r) => `R = ${r} calls/s`)]),
    row(["---", ...RATES.map(() => "---")]),
    ...USERS.map((u) =>
      row([n(u), ...RATES.map((r) => String(tasksNeeded(model, kit.cpuUnits, u, r)))])
    ),
    "",
    `Set \`autoscaling_max_capacity\` (default ${kit.maxTasks}) at or above the figure for your peak. The default request-count target, ${
      n(kit.requestsPerTargetPerMinute)
    } requests per task per minute (\`autoscaling_requests_per_target\`), is ${
      n(100 * kit.requestsPerTargetPerMinute / 60 / (perTask * 100 / model.targetPercent), 0)
    }% CPU of a default task at this cost, so ${
      kit.requestsPerTargetPerMinute / 60 < perTask
        ? "it scales out before the CPU target is reached"
        : "the CPU target is reached first"
    }.`,
  ];
  const notes: string[] = [];
  if (bench.rssUnderLoadMiB !== undefined) {
    notes.push(
      `Memory is not the limit: the resident set after 20,000 requests was ${
        n(bench.rssUnderLoadMiB, 1)
      } MiB of a default task's ${n(kit.memoryMiB)} MiB (\`memory\`).`,
    );
  }
  if (bench.stsCallsPerPrincipalHour !== undefined) {
    notes.push(
      `Each task caches a user's AWS credentials on its own, and the load balancer spreads a user's calls over all tasks: expect about ${
        n(bench.stsCallsPerPrincipalHour, 2)
      } AssumeRole calls per active user per task per hour (so U × tasks × ${
        n(bench.stsCallsPerPrincipalHour, 2)
      } per hour in all).`,
    );
  }
  for (const note of notes) lines.push("", note);
  lines.push("", END);
  return lines.join("\n");
}

/** `doc` with its generated section replaced by `generated` (which carries the markers). */
export function replaceSection(doc: string, generated: string, source = "the document"): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) {
    throw new CapacityInputError(`${source} has no ${START} … ${END} section to replace`);
  }
  return doc.slice(0, start) + generated + doc.slice(end + END.length);
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.main) {
  const args = [...Deno.args];
  const resultsPath = argValue(args, "--results") ?? "bench/RESULTS.md";
  const parametersPath = argValue(args, "--parameters") ?? "modules/parameters.json";
  const target = argValue(args, "--write");
  try {
    const bench = parseBenchResults(Deno.readTextFileSync(resultsPath), resultsPath);
    const kit = parseKitDefaults(Deno.readTextFileSync(parametersPath), parametersPath);
    const generated = renderCapacitySection(bench, kit);
    if (target) {
      Deno.writeTextFileSync(
        target,
        replaceSection(Deno.readTextFileSync(target), generated, target),
      );
    } else {
      console.log(generated);
    }
  } catch (e) {
    if (!(e instanceof CapacityInputError)) throw e;
    console.error(`capacity: ${e.message}`);
    Deno.exit(1);
  }
}
