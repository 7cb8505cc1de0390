/**
 * Every log event and field the server writes is declared in server/telemetry/catalog.json (the one
 * place the dashboards, alarms, runbooks and Logs Insights queries take names from), and every
 * metric the server counts is declared there too.
 */
import { join } from "node:path";
import { assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { TELEMETRY_CATALOG } from "../../server/telemetry/catalog.ts";

async function* sources(dir = join(REPO_ROOT, "server")): AsyncGenerator<[string, string]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts")) yield [path, await Deno.readTextFile(path)];
  }
}

/** The object literal that follows `start` in `text` (balanced braces), or "" when there is none. */
function objectAfter(text: string, start: number): string {
  const open = text.indexOf("{", start);
  const close = text.indexOf(")", start);
  if (open < 0 || (close >= 0 && close < open)) return "";
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  return "";
}

Deno.test("telemetry: log events, log fields and metric names are all declared in the catalog", async () => {
  const events = new Set(Object.keys(TELEMETRY_CATALOG.log_events));
  const fields = new Set(Object.keys(TELEMETRY_CATALOG.log_fields));
  const metrics = new Set(Object.keys(TELEMETRY_CATALOG.metrics));
  const unknown: string[] = [];
  for await (const [path, text] of sources()) {
    for (
      const m of text.matchAll(
        /logger\.(?:(?:debug|info|warn|error|audit)\(|log\([^,]+,)\s*"([a-z_]+)"/g,
      )
    ) {
      if (!events.has(m[1])) unknown.push(`${path}: event ${m[1]}`);
      const body = objectAfter(text, m.index! + m[0].length);
      // Top-level keys of the fields object (nested objects do not occur in log calls).
      for (const k of body.matchAll(/(?:^|[,{\n])\s*([a-z_]+)\s*(?::|,|$)/g)) {
        if (!fields.has(k[1])) unknown.push(`${path}: field ${k[1]} (in ${m[1]})`);
      }
    }
    for (const m of text.matchAll(/metrics\.(?:count|put)\(\s*"([A-Za-z]+)"/g)) {
      if (!metrics.has(m[1])) unknown.push(`${path}: metric ${m[1]}`);
    }
  }
  assertEquals(unknown, []);
});
