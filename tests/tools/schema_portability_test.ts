/**
 * Every tool's input and output schema, as clients receive it in tools/list, passes the MCP
 * Inspector CLI's strict portability check with zero findings — checked twice:
 * - by our own restatement of its rules (tests/harness/schema_lint.ts) over every tool of every
 *   category, and over zod's raw JSON Schema to show the rules do find what the server rewrites;
 * - by the Inspector CLI itself (pinned in tests/inspector/package-lock.json, installed by
 *   `make bootstrap`), first against a fixture server with unportable schemas, where it must report
 *   exactly what our lint reports, then against quilt-mcp with every category enabled.
 * The rewrite (server/tools/common/portable_schema.ts) is also tested on its own.
 */
import { join } from "node:path";
import * as z from "zod";
import {
  assert,
  assertEquals,
  assertThrows,
  connectStdio,
  DENO,
  REPO_ROOT,
  serverCommandArgs,
} from "../harness/mod.ts";
import { lintSchema, lintTools, type SchemaFinding } from "../harness/schema_lint.ts";
import { portableJsonSchema, portableSchema } from "../../server/tools/common/portable_schema.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import { ALL_TOOLS } from "../../server/tools/registry.ts";

const ALL_CATEGORIES = Object.keys(CATEGORIES).join(",");
const FIXTURE = join(REPO_ROOT, "tests", "fixtures", "schema_lint", "unportable_server.ts");
const INSPECTOR = join(REPO_ROOT, ".tools", "inspector", "node_modules", ".bin", "mcp-inspector");
const SERVER_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "schema-check",
  AWS_SECRET_ACCESS_KEY: "schema-check",
  QUILT_MCP_TOOL_CATEGORIES: ALL_CATEGORIES,
};

const summary = (f: readonly SchemaFinding[]) =>
  f.map((x) => `${x.tool} ${x.schema}.${x.path} ${x.rule}`);

Deno.test("portableJsonSchema: type arrays become single-type anyOf branches, untyped values the six JSON types", () => {
  const out = portableJsonSchema({
    type: "object",
    properties: {
      when: { type: ["string", "null"], format: "date-time", description: "d" },
      n: { type: ["integer", "null"], minimum: 0 },
      any: { description: "anything" },
      list: { type: "array", items: true },
      never: false,
      one: { type: ["string"] },
    },
    additionalProperties: false,
  });
  const p = (out as { properties: Record<string, unknown> }).properties;
  assertEquals(p.when, {
    description: "d",
    anyOf: [{ type: "string", format: "date-time" }, { type: "null" }],
  });
  assertEquals(p.n, { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] });
  const six = ["object", "array", "string", "number", "boolean", "null"].map((type) => ({ type }));
  assertEquals(p.any, { description: "anything", anyOf: six });
  assertEquals(p.list, { type: "array", items: { anyOf: six } });
  assertEquals(p.never, { not: {} });
  assertEquals(p.one, { type: "string" });
  // additionalProperties: false is the ordinary spelling, not a bare boolean schema.
  assertEquals((out as Record<string, unknown>).additionalProperties, false);
  assertEquals(lintSchema("t", "outputSchema", out), []);
  // An existing anyOf is kept beside the split (both must hold).
  assertEquals(
    portableJsonSchema({ type: ["string", "null"], anyOf: [{ minLength: 1 }, { type: "null" }] }),
    {
      allOf: [
        { anyOf: [{ type: "string" }, { type: "null" }] },
        { anyOf: [{ minLength: 1 }, { type: "null" }] },
      ],
    },
  );
});

Deno.test("portableSchema: zod still validates; only the advertised JSON Schema changes", () => {
  const zod = z.object({ a: z.string().nullable(), b: z.unknown() });
  const wrapped = portableSchema(zod);
  const std = wrapped["~standard"];
  assert((std.validate({ a: 1, b: 2 }) as { issues?: unknown[] }).issues?.length === 1);
  assertEquals((std.validate({ a: null, b: 2 }) as { value: unknown }).value, { a: null, b: 2 });
  const raw = (zod as unknown as typeof wrapped)["~standard"].jsonSchema.output({
    target: "draft-2020-12",
  });
  assert(lintSchema("t", "outputSchema", raw).length === 2, "zod's own output has two findings");
  const advertised = std.jsonSchema.output({ target: "draft-2020-12" });
  assertEquals(lintSchema("t", "outputSchema", advertised), []);
  // Computed once and shared by every request's server: frozen, so no caller can change what
  // later requests advertise (decorating it throws instead).
  const again = std.jsonSchema.output({ target: "draft-2020-12" });
  assert(again === advertised, "the conversion runs once, not per call");
  assertThrows(() => {
    advertised.extra = true;
  }, TypeError);
  assertThrows(() => {
    (advertised.properties as Record<string, unknown>).c = {};
  }, TypeError);
  assertEquals(std.jsonSchema.output({ target: "draft-2020-12" }).extra, undefined);
});

Deno.test("every tool of every category: the schemas clients receive have no portability finding", async () => {
  // The rules do find problems in zod's raw JSON Schema of these very tools (they are not vacuous).
  const raw = ALL_TOOLS.map((t) => ({
    name: t.name,
    inputSchema: (t.input as unknown as ReturnType<typeof portableSchema>)["~standard"].jsonSchema
      .input({ target: "draft-2020-12" }),
    outputSchema: (t.output as unknown as ReturnType<typeof portableSchema>)["~standard"].jsonSchema
      .output({ target: "draft-2020-12" }),
  }));
  const rawRules = new Set(lintTools(raw).map((f) => f.rule));
  assert(rawRules.has("type-union") && rawRules.has("untyped-schema"), [...rawRules].join());

  await using client = await connectStdio(SERVER_ENV);
  const { tools } = await client.listTools();
  assertEquals(tools.map((t) => t.name).sort(), ALL_TOOLS.map((t) => t.name).sort());
  for (const t of tools) assert(t.outputSchema, `${t.name} has no outputSchema`);
  assertEquals(summary(lintTools(tools)), []);
});

/** Runs the Inspector CLI's strict tools/list against a stdio command; returns its report lines. */
async function inspect(command: string[], env: Record<string, string>) {
  try {
    await Deno.stat(INSPECTOR);
  } catch {
    throw new Error(
      `${INSPECTOR} is missing: run \`make bootstrap\` (it installs the Inspector CLI)`,
    );
  }
  const envArgs = Object.entries({
    HOME: "/nonexistent",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
    ...env,
  })
    .filter(([, v]) => v !== "")
    .flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const out = await new Deno.Command(INSPECTOR, {
    args: [
      "--cli",
      "--strict",
      "--method",
      "tools/list",
      ...envArgs,
      "--cwd",
      REPO_ROOT,
      "--",
      ...command,
    ],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const listed = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    tools: { name: string; inputSchema?: unknown; outputSchema?: unknown }[];
  };
  return {
    code: out.code,
    warnings: stderr.split("\n").filter((l) => /^(Warning|Error): tool /.test(l)).length,
    summaryLine: stderr.split("\n").find((l) => /\d+ errors?, \d+ warnings? across/.test(l)),
    stderr,
    tools: listed.tools,
  };
}

Deno.test("MCP Inspector CLI --strict: reports our lint's findings on a control server, and 0 on quilt-mcp", async () => {
  const control = await inspect([
    DENO,
    "run",
    "--cached-only",
    "--allow-env",
    "--allow-read",
    FIXTURE,
  ], {});
  assertEquals(control.code, 0, control.stderr);
  const ours = lintTools(control.tools);
  assert(ours.length > 0);
  assertEquals(control.warnings, ours.length, control.stderr);
  assertEquals(control.summaryLine, `0 errors, ${ours.length} warnings across 1 tool.`);

  const server = await inspect(
    [DENO, ...serverCommandArgs(["serve", "--transport", "stdio"])],
    SERVER_ENV,
  );
  assertEquals(server.code, 0, server.stderr);
  assertEquals(server.tools.length, ALL_TOOLS.length);
  // With no finding the CLI prints no report at all (and would print "N warnings" otherwise).
  assertEquals([server.warnings, server.summaryLine], [0, undefined], server.stderr);
});
