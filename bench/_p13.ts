import { startLoadStack } from "../tests/resilience/load_stack.ts";
import { mcpHeaders, runLoad, toolCallBody } from "../bench/load.ts";
import { cpuMsOf, startBaseline } from "../bench/servers.ts";
const c = Number(Deno.args[0] ?? 64);
const ms = Number(Deno.args[1] ?? 8000);
const prof = Deno.args[2] === "prof";
const dir = await Deno.makeTempDir({ prefix: "p13-" });
const stack = await startLoadStack(
  prof ? { denoFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}/product`] } : {},
);
const baseline = await startBaseline(
  ["catalog_uri"],
  stack.moto.env(),
  prof ? ["--cpu-prof", `--cpu-prof-dir=${dir}/baseline`] : [],
);
const toks = await Promise.all(
  Array.from({ length: 64 }, (_, i) => stack.token(`bench-${i}@example.com`)),
);
const hs = toks.map((t) => mcpHeaders(t));
const args = { bucket: "bench-bucket", package: "team/dataset", path: "data/" };
const prod = {
  url: stack.mcpUrl,
  body: (i: number) => toolCallBody("catalog_uri", args, i),
  headers: (i: number) => hs[i % hs.length],
};
const ph = mcpHeaders();
const base = {
  url: baseline.url,
  body: (i: number) => toolCallBody("catalog_uri", args, i),
  headers: () => ph,
};
await runLoad(prod, { concurrency: 16, requests: 1000 });
await runLoad(base, { concurrency: 16, requests: 1000 });
for (let r = 0; r < Number(Deno.args[3] ?? 2); r++) {
  for (
    const [name, plan, pid] of [["product", prod, stack.server.pid], [
      "baseline",
      base,
      baseline.pid,
    ]] as const
  ) {
    const c0 = cpuMsOf(pid);
    const l = await runLoad(plan, { concurrency: c, durationMs: ms });
    const c1 = cpuMsOf(pid);
    console.log(
      `${name} c=${c}: ${l.throughput.toFixed(0)} req/s p50 ${l.p50.toFixed(2)} cpu/req ${
        ((c1 - c0) / (l.completed + l.errors)).toFixed(3)
      } errors ${l.errors}`,
    );
  }
}
await baseline.stop();
await stack.stop();
console.log(dir);
