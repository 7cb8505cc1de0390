/**
 * The server's tool registry agrees with the category map that the policies are built from: a
 * registered tool the map does not know, or filed under another category, would run with a
 * policy written for different calls.
 * The registered tools equal the map's tools exactly, each under its own category.
 */
import assert from "node:assert/strict";
import { ALL_TOOLS } from "../../server/tools/registry.ts";
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import { loadCategories, loadIndex, renderFile } from "./bundle.ts";

Deno.test("server registry: every registered tool is in the category map, under the same category", () => {
  const categories = loadCategories().categories;
  const categoryOf = new Map(
    Object.entries(categories).flatMap(([c, spec]) => spec.tools.map((t) => [t, c] as const)),
  );
  assert.ok(ALL_TOOLS.length > 0);
  const names = ALL_TOOLS.map((t) => t.name);
  assert.equal(new Set(names).size, names.length, "a tool is registered twice");
  for (const tool of ALL_TOOLS) {
    assert.equal(
      categoryOf.get(tool.name),
      tool.category,
      `${tool.name} is registered under ${tool.category}`,
    );
  }
  // Whole categories are registered or not at all: a half-registered category means a renamed tool.
  for (const category of new Set(ALL_TOOLS.map((t) => t.category))) {
    assert.deepEqual(
      ALL_TOOLS.filter((t) => t.category === category).map((t) => t.name).sort(),
      [...categories[category].tools].sort(),
      category,
    );
  }
});

Deno.test("server registry: the registered tools are exactly the category map's tools", () => {
  const mapTools = Object.values(loadCategories().categories).flatMap((spec) => spec.tools).sort();
  assert.deepEqual(ALL_TOOLS.map((t) => t.name).sort(), mapTools);
});

Deno.test("server registry: every IAM action the tools name in their errors is granted or needs no permission", () => {
  const index = loadIndex();
  const granted = new Set(
    Object.values(index.categories).flatMap((c) =>
      c.policy ? renderFile(c.policy).Statement.flatMap((s) => [s.Action ?? []].flat()) : []
    ),
  );
  const free = new Set(index.no_permission_required.map((e) => e.action));
  const named = new Set<string>();
  // Every tool source, in every category folder.
  const scan = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) scan(path);
      if (!entry.name.endsWith(".ts")) continue;
      const text = Deno.readTextFileSync(path);
      for (const m of text.matchAll(/action: "([a-z0-9-]+:[A-Za-z]+)"/g)) named.add(m[1]);
    }
  };
  scan(join(REPO_ROOT, "server", "tools"));
  assert.ok(named.size > 0);
  assert.deepEqual([...named].filter((a) => !granted.has(a) && !free.has(a)).sort(), []);
});
