/**
 * Fuzzing of tool inputs over HTTP: for every tool the server lists, arguments generated from its
 * published input schema are sent as tools/call by an authenticated principal. Every answer must
 * be a well-formed JSON-RPC answer over HTTP 200 (413 only for a body over the limit): a tool
 * result (success or a clear tool error) or an invalid-params error — never a 5xx, never an
 * internal error, never the "failed unexpectedly" answer of an unhandled exception in a tool.
 * @module
 */
import { type FuzzTargets, type JsonSchema, toolCase } from "./fuzz_schema.ts";
import type { LoadStack } from "./load_stack.ts";
import { Rng } from "./rng.ts";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { adminS3 } from "../harness/mod.ts";
import { mcpHeaders, pool, post, rpcMessage, toolCallBody } from "./rpc.ts";

/** Every tool category, so the fuzz covers every registered tool. */
export const ALL_CATEGORIES = [
  "s3-read",
  "s3-write",
  "packages-read",
  "packages-write",
  "search",
  "governance",
  "athena",
  "catalog",
];

/** Per-tool tallies. */
export interface ToolFuzzStats {
  cases: number;
  /** Cases by generator kind (valid, bad_property, ...). */
  kinds: Record<string, number>;
  /** Answers by outcome: ok, tool_error, invalid_params, too_large. */
  outcomes: Record<string, number>;
  /** Times the tool body ran (the server's ToolCall counter for this tool). */
  reachedTool: number;
}

/** The outcome of a tool-input fuzz run. */
export interface ToolFuzzReport {
  readonly seed: number;
  readonly tools: Record<string, ToolFuzzStats>;
  readonly totalCases: number;
  /** Every violation found (empty = pass). */
  readonly failures: string[];
  readonly elapsedMs: number;
}

/** Lists the server's tools with their input schemas. */
export async function listTools(
  url: string,
  token: string,
): Promise<Array<{ name: string; inputSchema: JsonSchema }>> {
  const r = await post(
    url,
    mcpHeaders(token),
    JSON.stringify({
      jsonrpc: "2.0",
      id: "list",
      method: "tools/list",
      params: {},
    }),
  );
  const message = rpcMessage(r.text);
  const tools = (message?.result as { tools?: Array<{ name: string; inputSchema: JsonSchema }> })
    ?.tools;
  if (r.status !== 200 || !tools) throw new Error(`tools/list failed: ${r.status} ${r.text}`);
  return tools;
}

const MAX_BODY = 1_048_576;

/** Classifies one answer; returns a failure description or the outcome name. */
export function classifyToolAnswer(
  status: number,
  text: string,
  bodyBytes: number,
  id: number,
): { outcome: string } | { failure: string } {
  if (status === 413 && bodyBytes > MAX_BODY) return { outcome: "too_large" };
  if (status !== 200) return { failure: `HTTP ${status}: ${text.slice(0, 200)}` };
  const message = rpcMessage(text);
  if (!message) return { failure: `not a JSON-RPC answer: ${text.slice(0, 200)}` };
  if (message.id !== id) return { failure: `answer for id ${message.id}, expected ${id}` };
  const error = message.error as { code?: number; message?: string } | undefined;
  if (error) {
    if (error.code === -32602) return { outcome: "invalid_params" };
    return { failure: `JSON-RPC error ${error.code}: ${error.message?.slice(0, 200)}` };
  }
  const result = message.result as
    | { isError?: boolean; content?: Array<{ text?: string }> }
    | undefined;
  if (!result || !Array.isArray(result.content)) {
    return { failure: `no tool result: ${text.slice(0, 200)}` };
  }
  if (!result.isError) return { outcome: "ok" };
  const first = result.content[0]?.text ?? "";
  if (/failed unexpectedly|internal error/i.test(first)) {
    return { failure: `unhandled error in the tool: ${first.slice(0, 200)}` };
  }
  if (first.trim().length === 0) return { failure: "tool error without a message" };
  return { outcome: /validation/i.test(first) ? "invalid_params" : "tool_error" };
}

/**
 * Seeds the fuzz targets: a bucket with objects and a package made of them (created through the
 * server's own package_create, so the fuzz reaches real packages and top hashes).
 */
export async function seedFuzzTargets(stack: LoadStack, bucket: string): Promise<FuzzTargets> {
  const keys = ["data/a.csv", "data/b.json", "data/sub/c.txt", "notes/readme.md", "é中/😀.txt"];
  const s3 = adminS3(stack.moto);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of keys) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: `content of ${key}\n` }),
      );
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "bin/blob.bin",
        Body: new Uint8Array([0, 255, 1]),
      }),
    );
  } finally {
    s3.destroy();
  }
  const token = await stack.token("fuzz-seeder@example.com");
  const r = await post(
    stack.mcpUrl,
    mcpHeaders(token),
    toolCallBody("package_create", {
      bucket,
      package: "team/dataset",
      message: "fuzz seed",
      user_meta: { source: "fuzz", n: 1 },
      source: { prefix: "" },
    }, "seed"),
  );
  const result = rpcMessage(r.text)?.result as
    | { isError?: boolean; structuredContent?: { top_hash?: string } }
    | undefined;
  const topHash = result?.structuredContent?.top_hash;
  if (!topHash) throw new Error(`package_create for the fuzz seed failed: ${r.text.slice(0, 300)}`);
  return {
    bucket,
    keys: [...keys, "bin/blob.bin"],
    packages: ["team/dataset"],
    topHashes: [topHash],
  };
}

/** Fuzzes every listed tool with `casesPerTool` generated argument sets. */
export async function fuzzTools(
  stack: LoadStack,
  options: { seed: number; casesPerTool: number; concurrency: number; targets: FuzzTargets },
): Promise<ToolFuzzReport> {
  const started = performance.now();
  const token = await stack.token("fuzzer@example.com");
  const tools = await listTools(stack.mcpUrl, token);
  const headers = mcpHeaders(token);
  const failures: string[] = [];
  const stats: Record<string, ToolFuzzStats> = {};
  let id = 0;
  for (const tool of tools) {
    const rng = new Rng(options.seed ^ hashName(tool.name));
    const s: ToolFuzzStats = { cases: 0, kinds: {}, outcomes: {}, reachedTool: 0 };
    stats[tool.name] = s;
    await stack.server.sync();
    const before = stack.server.metricWhere("ToolCall", { Tool: tool.name });
    await pool(options.casesPerTool, options.concurrency, async () => {
      const c = toolCase(rng, tool.inputSchema, options.targets);
      const myId = ++id;
      const body = toolCallBody(tool.name, c.args, myId);
      const bytes = new TextEncoder().encode(body).length;
      const r = await post(stack.mcpUrl, headers, body);
      s.cases++;
      s.kinds[c.kind] = (s.kinds[c.kind] ?? 0) + 1;
      const verdict = classifyToolAnswer(r.status, r.text, bytes, myId);
      if ("failure" in verdict) {
        if (failures.length < 50) {
          failures.push(
            `${tool.name} (${c.kind}) ${JSON.stringify(c.args).slice(0, 300)} → ${verdict.failure}`,
          );
        }
      } else s.outcomes[verdict.outcome] = (s.outcomes[verdict.outcome] ?? 0) + 1;
    });
    await stack.server.sync();
    s.reachedTool = stack.server.metricWhere("ToolCall", { Tool: tool.name }) - before;
  }
  return {
    seed: options.seed,
    tools: stats,
    totalCases: Object.values(stats).reduce((n, s) => n + s.cases, 0),
    failures,
    elapsedMs: performance.now() - started,
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** What fails a tool-input fuzz run (empty = pass); `minReach`: least share of cases run per tool. */
export function toolFuzzProblems(report: ToolFuzzReport, minReach: number): string[] {
  const p = [...report.failures];
  const tools = Object.entries(report.tools);
  if (tools.length < 10) p.push(`only ${tools.length} tools listed`);
  for (const [name, s] of tools) {
    if (s.reachedTool < s.cases * minReach) {
      p.push(`${name}: the tool body ran for only ${s.reachedTool}/${s.cases} cases`);
    }
  }
  return p;
}

/** What the server's log says went wrong during a fuzz run (empty = clean). */
export function serverLogProblems(stack: LoadStack): string[] {
  return [
    ...stack.server.foreignLines.map((l) => `non-JSON output: ${l.slice(0, 200)}`),
    ...stack.server.errorRecords.map((r) =>
      `error log: ${r.msg}: ${String(r.error).slice(0, 200)}`
    ),
  ];
}
