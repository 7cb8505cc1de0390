/**
 * The capacity model of docs/deployment.md (bench/capacity.ts): it reads the tables bench/run.ts
 * writes (the committed results, a results file with only the HTTP section, and a table built with
 * the bench's own table writer), computes tasks from CPU ms per call and the Fargate task size as
 * its stated formula says, and fails with a message naming the missing figure instead of guessing.
 */
import { join } from "node:path";
import { assert, assertEquals, DENO, REPO_ROOT } from "../harness/mod.ts";
import { table } from "../../bench/report.ts";
import {
  callsPerTask,
  CapacityInputError,
  CPU_COLUMN,
  HTTP_SECTION,
  type KitDefaults,
  modelFrom,
  parseBenchResults,
  parseKitDefaults,
  renderCapacitySection,
  tasksNeeded,
  usableVcpu,
} from "../../bench/capacity.ts";

const read = (path: string) => Deno.readTextFileSync(join(REPO_ROOT, path));

/** The columns of bench/http_bench.ts's tables the model reads (the others are ignored). */
const HEAD = ["concurrency", "quilt-mcp req/s", CPU_COLUMN, "errors (quilt-mcp / baseline)"];

function results(options: { cpuCells?: string[]; awsHeading?: string; machine?: boolean } = {}) {
  const cells = options.cpuCells ?? ["2.00 / 1.00", "3.00 / 1.00"];
  const rows = (cpu: string[]) => cpu.map((c, i) => [[1, 16][i], "100 (90–110)", c, "0 / 0"]);
  return [
    "# quilt-mcp benchmark results",
    "",
    ...(options.machine === false ? [] : [
      "## Machine",
      "",
      table(["", ""], [["date", "2026-01-02T03:04:05.000Z"], ["CPU", "Test CPU"], [
        "commit",
        "abc1234",
      ]]),
      "",
    ]),
    HTTP_SECTION,
    "",
    "### catalog_uri (cheap tool: no AWS call)",
    "",
    table(HEAD, rows(["0.50 / 0.40", "0.70 / 0.40"])),
    "",
    options.awsHeading ?? "### bucket_objects_list (S3 against moto; informational, no target)",
    "",
    table(HEAD, rows(cells)),
    "",
    "### Profiles (a target was missed)",
    "",
    "| code area (inclusive) | share |",
    "| --- | --- |",
    "| npm:jose | 29.8% |",
    "",
    "## Start-up",
    "",
  ].join("\n");
}

const KIT: KitDefaults = {
  cpuUnits: 512,
  allowedCpuUnits: [256, 512, 1024, 2048],
  memoryMiB: 1024,
  cpuTargetPercent: 60,
  minTasks: 2,
  maxTasks: 6,
  requestsPerTargetPerMinute: 1000,
};

Deno.test("capacity: reads the committed results and a results file with only the HTTP section", () => {
  for (const path of ["bench/RESULTS.md", "bench/RESULTS-http-after-verify-cache.md"]) {
    const figures = parseBenchResults(read(path), path);
    assertEquals(figures.tools.map((t) => [t.tool, t.callsAws]), [
      ["catalog_uri", false],
      ["bucket_objects_list", true],
    ]);
    for (const t of figures.tools) {
      assertEquals(t.byConcurrency.map((r) => r.concurrency), [1, 16, 64]);
      assert(t.byConcurrency.every((r) => r.cpuMs > 0), `${path}: ${t.tool}`);
    }
    assert(/^[0-9a-f]{7}/.test(figures.commit), figures.commit);
  }
  const full = parseBenchResults(read("bench/RESULTS.md"));
  assert(full.rssUnderLoadMiB! > 0 && full.stsCallsPerPrincipalHour! > 0, "optional figures read");
  const httpOnly = parseBenchResults(read("bench/RESULTS-http-after-verify-cache.md"));
  assertEquals([httpOnly.rssUnderLoadMiB, httpOnly.stsCallsPerPrincipalHour], [
    undefined,
    undefined,
  ]);
  // The cost used is the highest figure of the AWS-calling tool, read from the committed table.
  const aws = full.tools.find((t) => t.callsAws)!.byConcurrency.map((r) => r.cpuMs);
  assertEquals(
    modelFrom(full, parseKitDefaults(read("modules/parameters.json"))).costMs,
    Math.max(...aws),
  );
});

Deno.test("capacity: the table format is the one bench/http_bench.ts writes", () => {
  // The bench's own writer (bench/report.ts table()) and its column names.
  const figures = parseBenchResults(results());
  assertEquals(figures.tools[1].byConcurrency, [
    { concurrency: 1, cpuMs: 2 },
    { concurrency: 16, cpuMs: 3 },
  ]);
  assertEquals([figures.date, figures.cpu, figures.commit], [
    "2026-01-02T03:04:05.000Z",
    "Test CPU",
    "abc1234",
  ]);
  const writer = read("bench/http_bench.ts");
  assert(writer.includes(`"${CPU_COLUMN}"`), `bench/http_bench.ts writes the column ${CPU_COLUMN}`);
  assert(writer.includes(`"${HTTP_SECTION.slice(3)}"`), "bench/http_bench.ts titles its section");
});

Deno.test("capacity: tasks follow the stated formula", () => {
  const model = { costMs: 10, targetPercent: 50, minTasks: 2 };
  assertEquals([usableVcpu(256), usableVcpu(1024), usableVcpu(4096)], [0.25, 1, 1]);
  assertEquals(callsPerTask(model, 512), 25); // 0.5 vCPU × 1000 ms × 50% / 10 ms
  assertEquals(callsPerTask(model, 2048), 50); // one event loop: capped at one vCPU
  assertEquals(tasksNeeded(model, 512, 1000, 0.2), 8); // 200 calls/s / 25
  assertEquals(tasksNeeded(model, 512, 1000, 0.201), 9); // rounds up
  assertEquals(tasksNeeded(model, 512, 10, 0.1), 2); // never below the minimum
  const figures = parseBenchResults(results());
  assertEquals(modelFrom(figures, KIT), { costMs: 3, targetPercent: 60, minTasks: 2 });
});

Deno.test("capacity: the generated text states its inputs and assumptions", () => {
  const text = renderCapacitySection(parseBenchResults(results()), KIT);
  for (
    const phrase of [
      "Cost per call: 3.00 ms of CPU",
      "at most 1 vCPU used per task",
      "Target CPU utilisation 60%",
      "the remaining 40% is the headroom",
      "At least 2 tasks",
      "Measured on Test CPU",
      "run of 2026-01-02T03:04:05.000Z, commit abc1234",
      "| 512 (default) | 0.50 | 100.0 | 6,000 |", // 0.5 × 1000 × 60% / 3 ms
      "| 10,000 | 5 | 20 | 100 |", // 500, 2,000, 10,000 calls/s over 100 per task
    ]
  ) assert(text.includes(phrase), `missing: ${phrase}\n${text}`);
  // Figures a results file lacks are left out, not invented.
  assert(!text.includes("resident set") && !text.includes("AssumeRole"), text);
});

Deno.test("capacity: missing figures are an error that says what is missing", () => {
  const fails = (markdown: string, expected: string) => {
    try {
      parseBenchResults(markdown, "RESULTS.md");
    } catch (e) {
      assert(e instanceof CapacityInputError, String(e));
      assert(e.message.includes(expected), `${e.message} should mention ${expected}`);
      assert(e.message.includes("make bench"), e.message);
      return;
    }
    throw new Error(`no error for a file lacking ${expected}`);
  };
  fails(results().replace(HTTP_SECTION, "## Something else"), "HTTP tools/call throughput");
  fails(results().replaceAll(CPU_COLUMN, "CPU"), CPU_COLUMN);
  fails(results({ cpuCells: ["– / –", "3.00 / 1.00"] }), "positive CPU ms/req");
  fails(results({ awsHeading: "### bucket_objects_list (no AWS call)" }), "tool that calls AWS");
  fails(results({ machine: false }), "Machine table");
  try {
    parseKitDefaults(JSON.stringify({ parameters: [{ name: "cpu", default: 512 }] }), "p.json");
    throw new Error("no error");
  } catch (e) {
    assert(e instanceof CapacityInputError && e.message.includes("memory"), String(e));
  }
});

Deno.test("capacity: the script exits 1 with the reason when the results lack the figures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "RESULTS.md");
    await Deno.writeTextFile(path, "# quilt-mcp benchmark results\n\n## Start-up\n");
    const out = await new Deno.Command(DENO, {
      args: ["run", `--allow-read=${REPO_ROOT},${dir}`, "bench/capacity.ts", "--results", path],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 1);
    assertEquals(new TextDecoder().decode(out.stdout), "");
    const err = new TextDecoder().decode(out.stderr);
    assert(
      err.includes(`capacity: ${path}: no "HTTP tools/call throughput and latency" section`),
      err,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
