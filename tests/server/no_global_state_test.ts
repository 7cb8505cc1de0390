/**
 * Guards the design rule "no process-global auth state": server code never writes environment
 * variables, only main.ts reads the environment, and no module holds mutable state at top level
 * (module-level `let`/`var`, or mutable collections bound at top level). Constant lookup tables
 * typed ReadonlySet/ReadonlyMap are fine, and so is a WeakMap keyed by an object: it attaches data
 * to that object (like a private field) and can neither be enumerated nor shared across objects. State lives in objects created at start-up and passed
 * down, or in the request context.
 */
import { join, relative } from "node:path";
import { assertEquals, REPO_ROOT } from "../harness/mod.ts";

async function* serverSources(dir = join(REPO_ROOT, "server")): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* serverSources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("no server module writes or (except main.ts) reads the environment", async () => {
  const offenders: string[] = [];
  for await (const path of serverSources()) {
    const rel = relative(REPO_ROOT, path);
    const text = await Deno.readTextFile(path);
    if (
      /Deno\.env\.(set|delete)|process\.env(\.[A-Za-z_]+|\[[^\]]+\])\s*=[^=]|delete\s+process\.env/
        .test(text)
    ) {
      offenders.push(`${rel}: writes the environment`);
    }
    if (rel !== "server/main.ts" && /Deno\.env\.(get|toObject|has)|process\.env/.test(text)) {
      offenders.push(
        `${rel}: reads the environment (only main.ts may, passing it to the config loader)`,
      );
    }
  }
  assertEquals(offenders, []);
});

Deno.test("no server module keeps mutable state at top level", async () => {
  const offenders: string[] = [];
  for await (const path of serverSources()) {
    const lines = (await Deno.readTextFile(path)).split("\n");
    lines.forEach((line, i) => {
      const where = `${relative(REPO_ROOT, path)}:${i + 1}: ${line.trim()}`;
      if (/^(export\s+)?(let|var)\s/.test(line)) offenders.push(where);
      const collection =
        /^(export\s+)?const\s+\w+(\s*:\s*([^=]+))?\s*=\s*new\s+(Map|Set|Array|AsyncLocalStorage)\b/
          .exec(line);
      if (collection && !/^Readonly(Set|Map)</.test(collection[3]?.trim() ?? "")) {
        offenders.push(where);
      }
      if (/^(export\s+)?const\s+\w+(\s*:[^=]+)?\s*=\s*\[\s*\]/.test(line)) offenders.push(where);
    });
  }
  assertEquals(offenders, []);
});
