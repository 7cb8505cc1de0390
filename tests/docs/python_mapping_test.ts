/**
 * The mapping from the Python reference server (docs/data/python-mapping.json) covers exactly the
 * tools and resources the reference listed (tests/fixtures/python_reference/listing.json), names
 * only tools and resources quilt-mcp really serves, gives a reason for everything not ported and
 * what differs for everything partly ported, and the generated tables are in sync.
 */
import { join } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { ALL_RESOURCES, ALL_TOOLS } from "../../server/tools/registry.ts";
import { mappingCounts, PYTHON_MAPPING, PYTHON_REFERENCE } from "./python_mapping.ts";
import { formatMarkdown } from "./generated_docs_test.ts";
import { withMapping } from "./render_python_mapping.ts";

const listing = JSON.parse(
  Deno.readTextFileSync(join(REPO_ROOT, "tests", "fixtures", "python_reference", "listing.json")),
) as { tools: string[]; resources: string[] };

Deno.test("python mapping: exactly the reference's 51 tools and 15 resources, once each", () => {
  const names = (kind: string) =>
    PYTHON_MAPPING.filter((e) => e.kind === kind).map((e) => e.reference);
  assertEquals(names("tool").sort(), [...listing.tools].sort());
  assertEquals(names("resource").sort(), [...listing.resources].sort());
  assertEquals([listing.tools.length, listing.resources.length], [
    PYTHON_REFERENCE.tools,
    PYTHON_REFERENCE.resources,
  ]);
  assertEquals(new Set(PYTHON_MAPPING.map((e) => e.reference)).size, PYTHON_MAPPING.length);
  const c = mappingCounts();
  assertEquals(c.tool.ported + c.tool.partly + c.tool.not_ported, 51);
  assertEquals(c.resource.ported + c.resource.partly + c.resource.not_ported, 15);
});

Deno.test("python mapping: every named replacement exists; reasons and differences are written", () => {
  const ours = new Set([...ALL_TOOLS.map((t) => t.name), ...ALL_RESOURCES.map((r) => r.uri)]);
  for (const e of PYTHON_MAPPING) {
    for (const name of e.ours) {
      assert(ours.has(name), `${e.reference} → ${name} is not served by quilt-mcp`);
    }
    if (e.status === "not_ported") {
      assertEquals(e.ours, [], e.reference);
      assert(e.note.length > 60, `${e.reference}: why is it not ported?`);
    } else assert(e.ours.length > 0, `${e.reference}: what replaces it?`);
    if (e.status === "partly") assert(e.note.length > 20, `${e.reference}: what differs?`);
  }
});

Deno.test("docs/migration-from-python.md carries the generated mapping (run `make docs`)", async () => {
  const file = join(REPO_ROOT, "docs", "migration-from-python.md");
  const actual = await Deno.readTextFile(file);
  assertEquals(actual, await formatMarkdown(withMapping(actual)));
  assert(actual.includes("Not ported on purpose: the in-memory workflow bookkeeping"));
});
