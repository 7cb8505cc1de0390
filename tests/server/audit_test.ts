/**
 * The audit step of a tool call: one `tool_call` record per invocation whatever happens — arguments
 * nested 10,000 (and 200,000) levels deep, a digest that cannot be computed, a failing metrics
 * sink, a log level above info — and the nesting-depth cap on untyped inputs with a clear error.
 */
import { assert, assertEquals, assertMatch, assertThrows } from "../harness/mod.ts";
import { loadConfig } from "../../server/config/load.ts";
import { ContextStore, type RequestContext } from "../../server/context.ts";
import { webCatalogCredential } from "../../server/auth/catalog_credential.ts";
import type { AwsClients } from "../../server/aws/clients.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";
import { argsDigest, guardedArgsDigest, writeToolCallAudit } from "../../server/telemetry/audit.ts";
import type { ToolDeps } from "../../server/tools/common/define.ts";
import {
  assertInputDepth,
  MAX_INPUT_DEPTH,
  nestingDepth,
} from "../../server/tools/common/input_depth.ts";
import { ToolError } from "../../server/tools/common/errors.ts";
import { PACKAGES_WRITE_TOOLS } from "../../server/tools/packages-write/packages_write.ts";

/** The recursive definition the iterative digest replaced: digests must not change. */
function recursiveCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${
      Object.keys(value).sort().map((k) =>
        `${JSON.stringify(k)}:${recursiveCanonical((value as Record<string, unknown>)[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `{"a": {"a": … 1 …}}` nested `depth` objects deep (built without recursion). */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

Deno.test("audit digest: identical to the recursive canonical JSON it replaced", async () => {
  const samples: unknown[] = [
    {},
    [],
    null,
    "text",
    42,
    { b: 1, a: [1, "x", null, { d: true, c: false }], "ü": { "": 0.5 } },
    { undef: undefined, nested: [undefined, { z: [[[]]] }] },
    { big: "x".repeat(200_000), list: Array.from({ length: 5000 }, (_, i) => ({ i })) },
    nested(500),
  ];
  for (const s of samples) {
    assertEquals(argsDigest(s), await sha256Hex(recursiveCanonical(s)), JSON.stringify(s)?.[0]);
  }
});

Deno.test("audit digest: no stack overflow at any depth; a cycle is reported, not thrown", () => {
  for (const depth of [10_000, 200_000]) {
    assertMatch(argsDigest({ user_meta: nested(depth) }), /^[0-9a-f]{64}$/);
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  const r = guardedArgsDigest(cyclic);
  assertEquals(r.digest, undefined);
  assertMatch(r.error ?? "", /DigestError: .*cycle/);
  const shared = { x: 1 };
  assert(guardedArgsDigest({ a: shared, b: shared }).digest, "a shared value is not a cycle");
});

Deno.test("audit record: written once whatever the metrics or the log level do", () => {
  const lines: string[] = [];
  const logger = new Logger("error", (l) => lines.push(l));
  const metrics = new Metrics("test", undefined);
  metrics.count = () => {
    throw new Error("metrics sink broken");
  };
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  writeToolCallAudit(logger, metrics, {
    tool: "bucket_objects_list",
    outcome: "ok",
    latencyMs: 3,
    args: cyclic,
  });
  const records = lines.map((l) => JSON.parse(l));
  const audit = records.filter((r) => r.msg === "tool_call");
  assertEquals(audit.length, 1, "exactly one audit record, although the log level is error");
  assertEquals(audit[0].args_digest, undefined);
  assertMatch(audit[0].digest_error, /cycle/);
  assert(
    records.some((r) => r.msg === "tool_error" && /metrics sink broken/.test(r.error)),
    "the metrics failure is logged",
  );
});

Deno.test("input depth: iterative measure, the cap, a clear error naming the argument", () => {
  assertEquals(nestingDepth("scalar", 10), 0);
  assertEquals(nestingDepth({ a: [{ b: {} }] }, 10), 4);
  assertEquals(nestingDepth(nested(50), 10), 11, "the walk stops past the limit");
  assertEquals(nestingDepth(nested(MAX_INPUT_DEPTH), MAX_INPUT_DEPTH), MAX_INPUT_DEPTH);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assertEquals(
    nestingDepth(cyclic, 20),
    21,
    "a cycle is as deep as the limit allows, then refused",
  );
  assertInputDepth({ user_meta: nested(MAX_INPUT_DEPTH), name: "x" });
  const e = assertThrows(
    () => assertInputDepth({ name: "x", user_meta: nested(MAX_INPUT_DEPTH + 1) }),
    ToolError,
  ) as ToolError;
  assertEquals(e.code, "input_too_deep");
  assertMatch(e.message, /'user_meta' nests more than 256 levels/);
});

function depsWithLog(lines: string[]): ToolDeps {
  const logger = new Logger("info", (l) => lines.push(l));
  const metrics = new Metrics("test", undefined);
  return {
    config: loadConfig([], {}),
    contexts: new ContextStore(metrics, logger, "web-jwt"),
    aws: {} as AwsClients,
    logger,
    metrics,
    fetch: () => Promise.reject(new Error("no network in unit tests")),
  };
}

Deno.test("tool call with user_meta 10,000 levels deep: a clean error and exactly one audit record", async () => {
  const lines: string[] = [];
  const deps = depsWithLog(lines);
  const create = PACKAGES_WRITE_TOOLS.find((t) => t.name === "package_create")!;
  const context: RequestContext = {
    principal: { id: "deep@example.com" },
    clientType: "web-jwt",
    requestId: "req-deep",
    aws: {
      credentials: () => Promise.reject(new Error("the tool body must not reach AWS")),
    },
    enabledCategories: new Set(["packages-write"]),
    catalog: webCatalogCredential(undefined, undefined),
  };
  const args = {
    bucket: "deep-bucket",
    package: "team/deep",
    entries: [{ logical_key: "a.csv", bucket: "deep-bucket", key: "a.csv" }],
    user_meta: nested(10_000),
  };
  const result = await deps.contexts.run(context, () => create.invoke(args, deps));
  assert(result.isError, "refused");
  const text = (result.content[0] as { text: string }).text;
  assertMatch(text, /'user_meta' nests more than 256 levels/);
  const audit = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "tool_call");
  assertEquals(audit.length, 1);
  assertEquals(audit[0].outcome, "error");
  assertEquals(audit[0].reason, "input_too_deep");
  assertEquals(audit[0].request_id, "req-deep");
  assertMatch(audit[0].args_digest, /^[0-9a-f]{64}$/);
  assertEquals(deps.metrics.total("ToolCall", { Outcome: "error" }), 1);
});
