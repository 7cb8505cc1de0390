/**
 * The category map decides what clients see: with every category enabled, tools/list equals the
 * map's tools; with the defaults, exactly the tools of the default (read-only) categories; the
 * server's default category setting equals the map's default flags.
 */
import { assertEquals, ERAS, startStack } from "../harness/mod.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import { SETTINGS } from "../../server/config/schema.ts";

const ALL = Object.keys(CATEGORIES);
const DEFAULTS = ALL.filter((c) => CATEGORIES[c].default);
const toolsOf = (categories: string[]) => categories.flatMap((c) => CATEGORIES[c].tools).sort();

Deno.test("category gating: the config default is the map's read-only default set", () => {
  const setting = SETTINGS.find((s) => s.key === "toolCategories")!;
  assertEquals(setting.default!.split(",").sort(), [...DEFAULTS].sort());
  assertEquals(
    DEFAULTS.filter((c) => CATEGORIES[c].writes),
    [],
    "no write category is on by default",
  );
  assertEquals(setting.choices!.slice().sort(), [...ALL].sort(), "every category can be enabled");
});

Deno.test("category gating: tools/list shows exactly the enabled categories' tools, over HTTP and stdio", async (t) => {
  await using all = await startStack({ categories: ALL });
  await using defaults = await startStack({ moto: all.moto });
  for (const era of ERAS) {
    await t.step(`every category enabled [${era}]`, async () => {
      await using c = await all.http("gate@example.com", { era });
      assertEquals((await c.listTools()).tools.map((x) => x.name).sort(), toolsOf(ALL));
    });
    await t.step(`defaults [${era}]`, async () => {
      await using c = await defaults.http("gate@example.com", { era });
      assertEquals((await c.listTools()).tools.map((x) => x.name).sort(), toolsOf(DEFAULTS));
    });
  }
  await t.step("defaults over stdio", async () => {
    await using c = await defaults.stdio();
    assertEquals((await c.listTools()).tools.map((x) => x.name).sort(), toolsOf(DEFAULTS));
  });
  await t.step("a disabled category's tool cannot be called", async () => {
    await using c = await defaults.http("gate@example.com");
    const r = await c.callTool({
      name: "package_delete",
      arguments: { bucket: "b-bucket", package: "a/b" },
    })
      .catch((e: Error) => ({ isError: true, content: [{ type: "text", text: e.message }] }));
    assertEquals(r.isError, true);
  });
});
