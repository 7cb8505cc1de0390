/**
 * Manifests: parse + top hash of 10k- and 100k-entry manifests by server/quilt and by quilt3 (the
 * reference) on the same files in the same run, each load in a fresh process, interleaved run by
 * run, top hashes cross-checked; memory of both. Then browsing a 100k-entry package: the library's
 * first page from the manifest bytes, and the package_browse tool end to end over HTTP against
 * the emulator (cold: manifest fetched from S3 and parsed; warm: from the server's cache).
 * @module
 */
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { adminS3, DENO, PYTHON, REPO_ROOT, seedBucket } from "../tests/harness/mod.ts";
import { startLoadStack } from "../tests/resilience/load_stack.ts";
import { call } from "../tests/resilience/scenarios.ts";
import { serializeManifest, topHashOf, withCommitMessage } from "../server/quilt/mod.ts";
import { generateManifest } from "./manifest_gen.ts";
import { code, type Section, table, Verdicts } from "./report.ts";
import { fmt, fmtSpread, spread } from "./stats.ts";

interface Times {
  parseMs: number;
  hashMs: number;
  totalMs: number;
  cpuMs: number;
}

interface Load {
  entries: number;
  topHash: string;
  sameHashWarm: boolean;
  cold: Times;
  warm: Times;
  browseMs?: number;
  firstPage?: number;
  rssBeforeKiB: number;
  peakKiB: number;
}

async function runJson(cmd: string, args: string[], env: Record<string, string>): Promise<Load> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    clearEnv: true,
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(300_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(text);
}

function denoLoad(path: string, browse = false): Promise<Load> {
  const frozen = Deno.env.get("DENO_FROZEN") ? ["--frozen"] : [];
  return runJson(DENO, [
    "run",
    "--cached-only",
    ...frozen,
    // Reading /proc/self/status (its own memory) needs --allow-all in Deno 2.
    "--allow-all",
    join(REPO_ROOT, "bench", "manifest_worker.ts"),
    path,
    ...(browse ? ["--browse"] : []),
  ], {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    NO_COLOR: "1",
  });
}

function quilt3Load(path: string, home: string): Promise<Load> {
  return runJson(PYTHON, [join(REPO_ROOT, "bench", "quilt3_manifest.py"), path], {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_CONFIG_HOME: join(home, "config"),
    QUILT_DISABLE_USAGE_METRICS: "true",
    QUILT_MINIMIZE_STDOUT: "true",
    PYTHONDONTWRITEBYTECODE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
  });
}

const mib = (kib: number) => kib / 1024;

/** Runs the manifest section. */
export async function manifestBench(
  options: { runs: number; log: (line: string) => void },
): Promise<Section> {
  const verdicts = new Verdicts();
  const dir = await Deno.makeTempDir({ prefix: "quilt-mcp-bench-manifests-" });
  const body: string[] = [];
  try {
    const home = join(dir, "home");
    await Deno.mkdir(home);
    const rows: Array<Array<string | number>> = [];
    const memRows: Array<Array<string | number>> = [];
    const files: Record<number, { path: string; bytes: number }> = {};
    for (const n of [10_000, 100_000]) {
      const path = join(dir, `manifest-${n}.jsonl`);
      const text = serializeManifest(generateManifest(n));
      await Deno.writeTextFile(path, text);
      files[n] = { path, bytes: new TextEncoder().encode(text).length };
      await denoLoad(path); // warm the module cache; not measured
      const pairs: Array<{ deno: Load; quilt3: Load }> = [];
      for (let r = 0; r < options.runs; r++) {
        let d: Load, q: Load;
        if (r % 2 === 0) {
          d = await denoLoad(path);
          q = await quilt3Load(path, home);
        } else {
          q = await quilt3Load(path, home);
          d = await denoLoad(path);
        }
        if (
          d.topHash !== q.topHash || d.entries !== n || q.entries !== n || !d.sameHashWarm ||
          !q.sameHashWarm
        ) {
          throw new Error(
            `top hash or entry count differs on ${n} entries: server/quilt ${d.topHash} (${d.entries}), quilt3 ${q.topHash} (${q.entries})`,
          );
        }
        pairs.push({ deno: d, quilt3: q });
        options.log(
          `  ${n} entries run ${r + 1}: server/quilt ${fmt(d.cold.totalMs, 0)}/${
            fmt(d.warm.totalMs, 0)
          } ms, quilt3 ${fmt(q.cold.totalMs, 0)}/${fmt(q.warm.totalMs, 0)} ms (cold/warm)`,
        );
      }
      for (const phase of ["cold", "warm"] as const) {
        const ratio = spread(pairs.map((p) => p.quilt3[phase].totalMs / p.deno[phase].totalMs));
        const cpuRatio = spread(pairs.map((p) => p.quilt3[phase].cpuMs / p.deno[phase].cpuMs));
        const part = (list: Load[], k: keyof Times) =>
          fmt(spread(list.map((l) => l[phase][k])).median, 0);
        const ds = pairs.map((p) => p.deno);
        const qs = pairs.map((p) => p.quilt3);
        rows.push([
          n.toLocaleString("en-US"),
          `${fmt(files[n].bytes / 1048576, 1)} MiB`,
          phase === "cold" ? "first load in a fresh process" : "warm (loads 3–4)",
          `${fmtSpread(spread(ds.map((l) => l[phase].totalMs)), 0)} (parse ${
            part(ds, "parseMs")
          } + hash ${part(ds, "hashMs")})`,
          `${fmtSpread(spread(qs.map((l) => l[phase].totalMs)), 0)} (load ${
            part(qs, "parseMs")
          } + hash ${part(qs, "hashMs")})`,
          `${fmtSpread(ratio, 2)}× ${
            verdicts.check(
              `parse + top hash of ${n} entries (${phase}) ≥ 2× faster than quilt3`,
              `${fmt(ratio.median, 2)}×`,
              ratio.median >= 2,
            )
          }`,
          `${fmtSpread(cpuRatio, 2)}×`,
        ]);
      }
      const denoPeak = spread(pairs.map((p) => p.deno.peakKiB)).median;
      const quilt3Peak = spread(pairs.map((p) => p.quilt3.peakKiB)).median;
      const peakVerdict = n < 100_000 ? "" : ` ${
        verdicts.check(
          `peak memory of ${n} entries ≤ quilt3's`,
          `${fmt(mib(denoPeak), 0)} MiB vs ${fmt(mib(quilt3Peak), 0)} MiB`,
          denoPeak <= quilt3Peak,
        )
      }`;
      memRows.push([
        n.toLocaleString("en-US"),
        `${fmt(mib(denoPeak), 0)} MiB${peakVerdict}`,
        `${fmt(mib(spread(pairs.map((p) => p.deno.peakKiB - p.deno.rssBeforeKiB)).median), 0)} MiB`,
        `${fmt(mib(spread(pairs.map((p) => p.quilt3.peakKiB)).median), 0)} MiB`,
        `${
          fmt(mib(spread(pairs.map((p) => p.quilt3.peakKiB - p.quilt3.rssBeforeKiB)).median), 0)
        } MiB`,
      ]);
    }
    body.push(
      `Each run is one fresh process per side reading the same file four times: \`deno run bench/manifest_worker.ts\` (server/quilt: parseManifestStream over the file in 64 KiB chunks, as the server reads an S3 body and quilt3 reads a file, + computeTopHash) and \`python bench/quilt3_manifest.py\` (quilt3 8.0.0: Package.load + Package.top_hash). Interpreter start and \`import quilt3\` are not timed, nor is Deno's start. "Cold" is the first load of the process (for Deno it includes optimising the code and loading node:crypto); "warm" is the mean of loads 3 and 4, as in a running server. Median of ${options.runs} interleaved runs (min–max); speed-up = quilt3 time / server/quilt time per pair, on wall time and, less sensitive to other load on the machine, on each process's CPU time. Top hashes of both sides are compared in every run (the run fails if they differ). Synthetic manifests: nested folders, sha2-256-chunked hashes, versioned physical keys, user metadata with floats and non-ASCII text on 30% of the entries.`,
      "",
      table(
        [
          "entries",
          "manifest size",
          "load",
          "server/quilt ms",
          "quilt3 ms",
          "speed-up (wall time)",
          "speed-up (CPU time)",
        ],
        rows,
      ),
      "",
      "Memory (resident set) after the first load: the process's peak, and the peak minus the resident set just before the work (the cost of the loaded manifest).",
      "",
      table(
        [
          "entries",
          "server/quilt peak",
          "server/quilt growth",
          "quilt3 peak",
          "quilt3 growth",
        ],
        memRows,
      ),
    );

    // Browsing a 100k-entry package.
    const lib: Load[] = [];
    for (let r = 0; r < options.runs; r++) lib.push(await denoLoad(files[100_000].path, true));
    const libFirst = spread(lib.map((l) => l.warm.parseMs + (l.browseMs ?? NaN)));
    const e2e = await browseEndToEnd(options.runs, options.log);
    body.push(
      "",
      "### Browsing a 100,000-entry package: first page",
      "",
      table(["path", "median (min–max)", "target"], [
        [
          "library (warm process): parse the manifest bytes + first page (100 items) of the root",
          fmtSpread(libFirst, 0, " ms"),
          "–",
        ],
        [
          "package_browse over HTTP, cold (S3 GET of the manifest from moto, parse, first page)",
          fmtSpread(e2e.cold, 0, " ms"),
          `≤ 1000 ms ${
            verdicts.check(
              "first page of a 100k-entry package ≤ 1 s (package_browse, cold)",
              `${fmt(e2e.cold.median, 0)} ms`,
              e2e.cold.median <= 1000,
            )
          }`,
        ],
        [
          "package_browse over HTTP, warm (same revision again: manifest cache)",
          fmtSpread(e2e.warm, 0, " ms"),
          "–",
        ],
      ]),
      "",
      `Cold runs use ${options.runs} different revisions (same entries, different commit messages, so different top hashes), so each one is fetched and parsed. Time measured at the client from sending tools/call to the last byte of the answer.`,
    );
    if (e2e.error) body.push("", "package_browse error:", code(e2e.error));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return { title: "Manifests", body: body.join("\n"), verdicts: verdicts.list };
}

async function browseEndToEnd(
  runs: number,
  log: (line: string) => void,
): Promise<{ cold: ReturnType<typeof spread>; warm: ReturnType<typeof spread>; error?: string }> {
  const stack = await startLoadStack();
  try {
    const bucket = "bench-registry";
    await seedBucket(stack.moto, bucket, {});
    const base = generateManifest(100_000);
    const s3 = adminS3(stack.moto);
    const names: string[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        const header = withCommitMessage(base.header, `bench revision ${i}`);
        const manifest = { ...base, header };
        const topHash = topHashOf(header, manifest.entries);
        const name = `bench/big-${i}`;
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `.quilt/packages/${topHash}`,
            Body: new TextEncoder().encode(serializeManifest(manifest)),
          }),
        );
        for (const pointer of ["1700000000", "latest"]) {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: `.quilt/named_packages/${name}/${pointer}`,
              Body: topHash,
            }),
          );
        }
        names.push(name);
      }
    } finally {
      s3.destroy();
    }
    const token = await stack.token("browser@example.com");
    await call(stack.mcpUrl, token, "bucket_objects_list", { bucket, prefix: "x" }); // STS warm-up
    const cold: number[] = [];
    const warm: number[] = [];
    let error: string | undefined;
    for (const name of names) {
      const s = await call(stack.mcpUrl, token, "package_browse", { bucket, package: name });
      if (s.outcome !== "ok") error ??= `${s.outcome}: ${s.detail}`;
      cold.push(s.doneAt - s.sentAt);
      log(`  package_browse cold ${name}: ${fmt(s.doneAt - s.sentAt, 0)} ms (${s.outcome})`);
    }
    const last = names[names.length - 1];
    for (let i = 0; i < runs; i++) {
      const s = await call(stack.mcpUrl, token, "package_browse", { bucket, package: last });
      if (s.outcome !== "ok") error ??= `${s.outcome}: ${s.detail}`;
      warm.push(s.doneAt - s.sentAt);
    }
    return { cold: spread(cold), warm: spread(warm), error };
  } finally {
    await stack.stop();
  }
}
