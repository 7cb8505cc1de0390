/**
 * package_summarize end to end against moto: a package pushed by quilt3 gets quilt_summarize.json
 * and charts in a new revision that quilt3 opens and verifies (every byte against its hash),
 * with every other file, the package metadata and the parent's entries kept; the dry run writes
 * nothing; a stale parent is a conflict; an existing summary is replaced only on request (stale
 * charts dropped); bad input is refused clearly; the registry's workflow rules are enforced.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk, listedTools } from "./helpers_transports.ts";
import { type PeerPackage, runQuilt3, writeRevision } from "./peer/mod.ts";

const REG = "sum-reg";
const RULES = "sum-rules";
const REGISTRY = `s3://${REG}`;
const NAME = "lab/run";
const CSV = 'sample,depth,tissue\ns1,10,liver\ns2,20,liver\ns3,35,"brain, left"\n';
const TSV = "gene\tcount\nA\t5\nB\t7\n";
const RECORDS = JSON.stringify([{ x: 1, y: "a" }, { x: 2, y: "a" }, { x: 4, y: "b" }]);

interface SummarizeOut {
  dry_run: boolean;
  top_hash: string | null;
  parent_top_hash: string | null;
  totals: { entries: number; added: number; replaced: number; removed: number };
  changes: { logical_key: string; action: string; source: string | null }[];
  summary: {
    quilt_summarize: unknown[];
    files: { logical_key: string; bytes: number; text: string | null }[];
    analysed: {
      logical_key: string;
      kind: string;
      rows: number | null;
      charts: string[];
      note: string | null;
    }[];
  };
}

async function summariesStored(s3: ReturnType<typeof adminS3>): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: REG, Prefix: ".quilt/summaries/" }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

Deno.test("package_summarize: a catalog summary as a new revision quilt3 opens", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${REG},${RULES}`,
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({ categories: ["packages-read", "packages-write"], env });
  await seedBucket(stack.moto, REG, {}, { versioned: true });
  await seedBucket(stack.moto, RULES, {
    ".quilt/workflows/config.yml": `version: "1"
default_workflow: named
workflows:
  named:
    name: Named runs
    handle_pattern: ^runs/
`,
  });
  const s3 = adminS3(stack.moto);
  const [pushed, before] = await runQuilt3<Record<string, unknown>>(stack.moto, [
    {
      op: "push",
      registry: REGISTRY,
      name: NAME,
      message: "data",
      meta_json: '{"project": "x", "version": 1.0}',
      files: [
        { lk: "data/runs.csv", text: CSV },
        { lk: "data/genes.tsv", text: TSV },
        { lk: "records.json", text: RECORDS },
        { lk: "img/plot.png", text: "not really a png" },
        { lk: "table.parquet", text: "PAR1" },
        { lk: "notes.txt", text: "notes" },
      ],
    },
    { op: "browse", registry: REGISTRY, name: NAME },
  ]);
  const parent = pushed.top_hash as string;
  const parentView = before as unknown as PeerPackage;
  await using client = await stack.http("summary-user", { era: "modern" });

  await t.step("listed as a write tool with honest hints and an output schema", async () => {
    const tools = await listedTools(client);
    const tool = tools.get("package_summarize")!;
    const a = tool.annotations as Record<string, boolean>;
    assertEquals([a.readOnlyHint, a.destructiveHint, a.idempotentHint, a.openWorldHint], [
      false,
      false,
      false,
      true,
    ]);
    assert(tool.outputSchema);
  });

  let planned: SummarizeOut;
  await t.step("dry run returns the files and writes nothing", async () => {
    planned = await callOk<SummarizeOut>(client, "package_summarize", {
      bucket: REG,
      package: NAME,
      parent_top_hash: parent,
      dry_run: true,
    });
    assertEquals([planned.dry_run, planned.top_hash, planned.parent_top_hash], [
      true,
      null,
      parent,
    ]);
    const keys = planned.summary.files.map((f) => f.logical_key);
    assertEquals(keys[0], "quilt_summarize.json");
    assertEquals(JSON.parse(planned.summary.files[0].text!), planned.summary.quilt_summarize);
    assert(keys.every((k) => k === "quilt_summarize.json" || k.startsWith("quilt_summary/")));
    assertEquals(planned.totals.added, keys.length);
    assertEquals(planned.totals.entries, 6 + keys.length);
    const analysed = new Map(planned.summary.analysed.map((a) => [a.logical_key, a]));
    assertEquals(analysed.get("data/runs.csv")!.rows, 3);
    assertEquals(analysed.get("data/genes.tsv")!.rows, 2);
    assertEquals(analysed.get("records.json")!.rows, 3);
    assertEquals(analysed.get("img/plot.png")!.kind, "image");
    assertEquals(analysed.get("table.parquet")!.kind, "parquet");
    assert(!analysed.has("notes.txt"));
    const runs = planned.summary.quilt_summarize.find((r) =>
      (r as { path?: string }).path === "data/runs.csv"
    ) as { description: string; types: string[] };
    assertEquals(runs.types, ["perspective"]);
    assertMatch(
      runs.description,
      /\| tissue \| string \| 0 \| 2 \| {2}\| {2}\| liver \(2\), brain, left \(1\) \|/,
    );
    for (const f of planned.summary.files.slice(1)) {
      assertEquals(JSON.parse(f.text!).$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    }
    assertEquals(await summariesStored(s3), []);
    const [latest] = await runQuilt3<PeerPackage>(stack.moto, [
      { op: "browse", registry: REGISTRY, name: NAME },
    ]);
    assertEquals(latest.top_hash, parent);
  });

  let first: SummarizeOut;
  await t.step("publishes a revision quilt3 opens, verifies and that keeps the rest", async () => {
    first = await callOk<SummarizeOut>(client, "package_summarize", {
      bucket: REG,
      package: NAME,
      parent_top_hash: parent,
    });
    assert(first.top_hash && first.top_hash !== parent);
    assertEquals(first.summary.quilt_summarize, planned.summary.quilt_summarize);
    const [view] = await runQuilt3<PeerPackage>(stack.moto, [
      { op: "browse", registry: REGISTRY, name: NAME, fetch: true },
    ]);
    assertEquals(view.top_hash, first.top_hash);
    assertEquals(view.message, "Package summary: quilt_summarize.json and charts");
    assertEquals(JSON.parse(view.meta_json), JSON.parse(parentView.meta_json));
    assert(view.entries.every((e) => e.verified));
    const byLk = new Map(view.entries.map((e) => [e.lk, e]));
    for (const e of parentView.entries) {
      assertEquals(byLk.get(e.lk)!.hash, e.hash, e.lk);
      assertEquals(byLk.get(e.lk)!.physical_key, e.physical_key, e.lk);
    }
    const summaryEntry = byLk.get("quilt_summarize.json")!;
    assertMatch(
      summaryEntry.physical_key,
      /^s3:\/\/sum-reg\/\.quilt\/summaries\/lab\/run\/[0-9a-f]{64}\/quilt_summarize\.json\?versionId=/,
    );
    const stored = await summariesStored(s3);
    assertEquals(stored.length, first.summary.files.length);
  });

  await t.step("a stale parent is a conflict; an existing summary needs overwrite", async () => {
    assertMatch(
      await callError(client, "package_summarize", {
        bucket: REG,
        package: NAME,
        parent_top_hash: parent,
      }),
      /Conflict: the latest revision of lab\/run is [0-9a-f]{64}, not your parent_top_hash/,
    );
    assertMatch(
      await callError(client, "package_summarize", {
        bucket: REG,
        package: NAME,
        parent_top_hash: first.top_hash,
      }),
      /already has quilt_summarize\.json; set overwrite: true/,
    );
  });

  await t.step("overwrite with ECharts for chosen files drops the old charts", async () => {
    const second = await callOk<SummarizeOut>(client, "package_summarize", {
      bucket: REG,
      package: NAME,
      parent_top_hash: first.top_hash,
      files: ["data/genes.tsv"],
      chart_format: "echarts",
      overwrite: true,
      message: "echarts",
    });
    const [view] = await runQuilt3<PeerPackage>(stack.moto, [
      { op: "browse", registry: REGISTRY, name: NAME, fetch: true },
    ]);
    assertEquals(view.top_hash, second.top_hash);
    const charts = view.entries.map((e) => e.lk).filter((k) => k.startsWith("quilt_summary/"));
    assertEquals(charts.sort(), [
      "quilt_summary/data_genes.tsv.count.echarts.json",
      "quilt_summary/files_by_type.echarts.json",
    ]);
    assertEquals(second.totals.removed, first.summary.files.length - 1);
    const item = second.summary.quilt_summarize.flat().find((i) =>
      (i as { path: string }).path === "quilt_summary/data_genes.tsv.count.echarts.json"
    ) as { types: string[] };
    assertEquals(item.types, ["echarts"]);
  });

  await t.step("bad input is refused clearly", async () => {
    const [latest] = await runQuilt3<PeerPackage>(stack.moto, [
      { op: "browse", registry: REGISTRY, name: NAME },
    ]);
    const base = { bucket: REG, package: NAME, parent_top_hash: latest.top_hash, overwrite: true };
    assertMatch(
      await callError(client, "package_summarize", { ...base, files: ["notes.txt"] }),
      /Cannot summarize "notes\.txt": supported are \.csv/,
    );
    assertMatch(
      await callError(client, "package_summarize", { ...base, files: ["nope.csv"] }),
      /Not in revision [0-9a-f]{64}: "nope\.csv"/,
    );
    assertMatch(
      await callError(client, "package_summarize", { ...base, chart_format: "png" }),
      /chart_format/,
    );
    assertMatch(
      await callError(client, "package_summarize", { ...base, bucket: "elsewhere" }),
      /not among the buckets/,
    );
    assertMatch(
      await callError(client, "package_summarize", { ...base, package: "ghost/pkg" }),
      /Not found: package ghost\/pkg/,
    );
  });

  await t.step("an unreadable file is reported, not fatal", async () => {
    const top = await writeRevision(s3, REG, "lab/gone", {
      files: [{ lk: "gone.csv" }, { lk: "pic.png" }],
      timestamp: 1_700_000_000,
    });
    const out = await callOk<SummarizeOut>(client, "package_summarize", {
      bucket: REG,
      package: "lab/gone",
      parent_top_hash: top,
      dry_run: true,
    });
    const gone = out.summary.analysed.find((a) => a.logical_key === "gone.csv")!;
    assertEquals(gone.rows, null);
    assertMatch(gone.note ?? "", /^not read: Not found/);
    assert(out.summary.analysed.some((a) => a.logical_key === "pic.png"));
  });

  await t.step("the registry's workflow rules are enforced; nothing is published", async () => {
    const top = await writeRevision(s3, RULES, "other/pkg", {
      files: [{ lk: "a.csv" }],
      timestamp: 1_700_000_000,
    });
    assertMatch(
      await callError(client, "package_summarize", {
        bucket: RULES,
        package: "other/pkg",
        parent_top_hash: top,
        files: ["a.csv"],
      }),
      /Package name doesn't match required pattern\. \(quilt3 WorkflowValidationError/,
    );
    const pointer = await s3.send(
      new ListObjectsV2Command({ Bucket: RULES, Prefix: ".quilt/named_packages/other/pkg/" }),
    );
    assertEquals(pointer.Contents?.length, 2, "only the original timestamp pointer and latest");
  });
});
