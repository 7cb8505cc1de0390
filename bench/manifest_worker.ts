/**
 * Measured manifest loads in a fresh process (so its memory is its own): reads the file, parses it
 * and computes the top hash with server/quilt — the same work quilt3's `Package.load` + `top_hash`
 * do — four times. The file is streamed in 64 KiB chunks through parseManifestStream, the path
 * the server takes for an S3 GetObject body (and the way quilt3 reads the file, line by line),
 * rather than read whole first: the first load is cold (fresh process, code not yet optimised; memory is
 * measured after it); the mean of loads 3 and 4 is the warm figure, as in a running server.
 * Optionally lists the first page of the package root after the last load. Prints one JSON line.
 *
 * Usage: deno run --allow-all bench/manifest_worker.ts <manifest path> [--browse]
 * (--allow-all: Deno 2 lets a program read /proc/self/status, its own memory, only with it)
 * @module
 */
import process from "node:process";
import { browseManifest, computeTopHash, parseManifestStream } from "../server/quilt/mod.ts";

function statusKiB(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(
    Deno.readTextFileSync("/proc/self/status"),
  );
  return m ? Number(m[1]) : NaN;
}

/** CPU time (user + system) of this process so far, in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The file's bytes in chunks of the size a network body arrives in. */
async function* chunks(path: string): AsyncGenerator<Uint8Array> {
  using file = Deno.openSync(path);
  for (;;) {
    const buf = new Uint8Array(64 * 1024);
    const n = file.readSync(buf);
    if (n === null) return;
    yield buf.subarray(0, n);
  }
}

async function load(path: string) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const manifest = await parseManifestStream(chunks(path));
  const t1 = performance.now();
  const topHash = computeTopHash(manifest);
  const t2 = performance.now();
  const cpu = cpuMs() - c0;
  return { manifest, topHash, parseMs: t1 - t0, hashMs: t2 - t1, totalMs: t2 - t0, cpuMs: cpu };
}

const [path, flag] = Deno.args;
const rssBefore = statusKiB("VmRSS");
const cold = await load(path);
const peak = statusKiB("VmHWM");
const entries = cold.manifest.entries.length;
const topHash = cold.topHash;
const times = (l: Awaited<ReturnType<typeof load>>) => ({
  parseMs: l.parseMs,
  hashMs: l.hashMs,
  totalMs: l.totalMs,
  cpuMs: l.cpuMs,
});
const coldTimes = times(cold);
cold.manifest = undefined as never;
// Warm: loads 3 and 4 (load 2 is a further warm-up), as in a server that has parsed manifests before.
const later = [await load(path), await load(path), await load(path)];
const warm = later[2];
const pick = (key: "parseMs" | "hashMs" | "totalMs" | "cpuMs") =>
  (later[1][key] + later[2][key]) / 2;
let browseMs: number | undefined;
let firstPage: number | undefined;
if (flag === "--browse") {
  const t = performance.now();
  const page = browseManifest(warm.manifest, { limit: 100 });
  browseMs = performance.now() - t;
  firstPage = page.items.length;
}
console.log(JSON.stringify({
  entries,
  topHash,
  sameHashWarm: later.every((l) => l.topHash === topHash),
  cold: coldTimes,
  warm: {
    parseMs: pick("parseMs"),
    hashMs: pick("hashMs"),
    totalMs: pick("totalMs"),
    cpuMs: pick("cpuMs"),
  },
  browseMs,
  firstPage,
  rssBeforeKiB: rssBefore,
  peakKiB: peak,
}));
