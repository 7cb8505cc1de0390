/**
 * The nesting cap on tool arguments end to end over HTTP against moto: package metadata exactly at
 * the cap is published and reads back unchanged (so the cap leaves the recursive manifest code
 * well inside its limits), one level more is refused with a clear error and no write, and each call
 * leaves exactly one audit record.
 */
import { MAX_INPUT_DEPTH } from "../../server/tools/common/input_depth.ts";
import { assert, assertEquals, assertMatch, seedBucket, startStack } from "../harness/mod.ts";
import { callError, callOk } from "./helpers_transports.ts";

const REG = "depth-reg";
const DATA = "depth-data";

/** `{"a": {"a": … {"leaf": 1}}}`, `depth` objects deep (built without recursion). */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

Deno.test("input depth: metadata at the cap round-trips through a manifest; one level more is refused", async () => {
  await using stack = await startStack({
    categories: ["packages-read", "packages-write"],
    env: { QUILT_MCP_BUCKETS: `${REG},${DATA}` },
  });
  await seedBucket(stack.moto, REG);
  await seedBucket(stack.moto, DATA, { "a.csv": "a,b\n1,2\n" });
  await using client = await stack.http("depth@example.com");
  const entry = { logical_key: "a.csv", bucket: DATA, key: "a.csv" };
  const deepest = nested(MAX_INPUT_DEPTH);
  const created = await callOk<{ top_hash: string }>(client, "package_create", {
    bucket: REG,
    package: "team/deep",
    // The cap counts from the argument: entries (1) → an entry (2) → its meta (3 …).
    entries: [{ ...entry, meta: nested(MAX_INPUT_DEPTH - 2) }],
    user_meta: deepest,
  });
  assertMatch(created.top_hash, /^[0-9a-f]{64}$/);
  const browse = await callOk<{ user_meta: unknown; items: { meta?: unknown }[] }>(
    client,
    "package_browse",
    { bucket: REG, package: "team/deep", view: "flat" },
  );
  assertEquals(JSON.stringify(browse.user_meta), JSON.stringify(deepest), "read back unchanged");
  assertEquals(
    JSON.stringify(browse.items[0].meta),
    JSON.stringify({ user_meta: nested(MAX_INPUT_DEPTH - 2) }),
  );
  const refused = await callError(client, "package_create", {
    bucket: REG,
    package: "team/deeper",
    entries: [entry],
    user_meta: nested(MAX_INPUT_DEPTH + 1),
  });
  assertMatch(refused, new RegExp(`'user_meta' nests more than ${MAX_INPUT_DEPTH} levels`));
  const versions = await callOk<{ versions: unknown[] }>(client, "package_versions", {
    bucket: REG,
    package: "team/deeper",
  }).catch(() => ({ versions: [] }));
  assertEquals(versions.versions.length, 0, "nothing was written");
  const audited = () =>
    stack.server.logs().filter((r) => r.msg === "tool_call" && r.tool === "package_create");
  // The answer can arrive before the server's stderr line is read: wait for the record.
  await stack.server.waitForLog(() => audited().length >= 2);
  const audit = audited();
  assertEquals(audit.map((r) => r.outcome), ["ok", "error"], "one audit record per call");
  assert(audit.every((r) => /^[0-9a-f]{64}$/.test(String(r.args_digest))));
});
