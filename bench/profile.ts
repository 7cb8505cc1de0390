/**
 * Reads a V8 CPU profile (`deno run --cpu-prof`) and summarises where the busy (non-idle) time went:
 * the hottest functions by self time, and total (inclusive) time by code area — the product's
 * folders, each npm package, and the runtime — counting each sample once per area on its stack.
 * @module
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One row of a summary. */
export interface ProfileRow {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Where the time of a profile went. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** Share of samples not idle (program, GC, runtime). */
  readonly busyShare: number;
  /** Busy time in ms; the rows' shares are of this. */
  readonly busyMs: number;
  readonly selfTop: ProfileRow[];
  readonly areas: ProfileRow[];
}

/** The code area a frame belongs to (npm package, product folder, or runtime). */
export function areaOf(url: string, functionName: string): string {
  if (functionName === "(idle)") return "(idle)";
  if (functionName === "(garbage collector)") return "(garbage collector)";
  if (functionName === "(program)") return "(program: native/runtime)";
  const npm = /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return `npm:${npm[1]}`;
  const own = /\/(server|bench|tests)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}/`;
  const file = /\/(server)\/([^/]+\.ts)$/.exec(url);
  if (file) return `${file[1]}/${file[2]}`;
  if (url.startsWith("ext:") || url.startsWith("node:")) return "deno runtime (ext:/node:)";
  if (url === "") return "(native)";
  return url.replace(/^.*\//, "");
}

/** Summarises a profile file. */
export async function summarizeProfile(path: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await Deno.readTextFile(path)) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const fnSelf = new Map<string, number>();
  const areaTotal = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    total += us;
    const f = node.callFrame;
    if (f.functionName === "(idle)") idle += us;
    const label = `${f.functionName || "(anonymous)"} ${
      f.url
        ? `${f.url.replace(/^.*\/(registry\.npmjs\.org\/|main\/)/, "")}:${f.lineNumber + 1}`
        : ""
    }`.trim();
    fnSelf.set(label, (fnSelf.get(label) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (cf.functionName === "(root)") continue;
      const area = areaOf(cf.url, cf.functionName);
      if (seen.has(area)) continue;
      seen.add(area);
      areaTotal.set(area, (areaTotal.get(area) ?? 0) + us);
    }
  }
  // Shares are of the busy time: idle samples depend on how long the process waited, not on its work.
  const busy = total - idle;
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([name]) => name !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return {
    totalMs: total / 1000,
    busyShare: total > 0 ? (total - idle) / total : 0,
    busyMs: busy / 1000,
    selfTop: rows(fnSelf),
    areas: rows(areaTotal),
  };
}

/** The newest .cpuprofile in `dir`. */
export async function newestProfile(dir: string): Promise<string | undefined> {
  let best: { path: string; mtime: number } | undefined;
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".cpuprofile")) continue;
    const path = `${dir}/${e.name}`;
    const mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    if (!best || mtime > best.mtime) best = { path, mtime };
  }
  return best?.path;
}
