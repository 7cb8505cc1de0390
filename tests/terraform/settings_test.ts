/**
 * Every setting of the server's configuration schema (as `server/config/describe.ts` prints it)
 * is a typed, described, validated variable of modules/mcp-server, passed to the container by its
 * environment name; secret settings never are; defaults, choices and bounds agree with the schema.
 */
import { join } from "node:path";
import { DENO, REPO_ROOT } from "../harness/paths.ts";
import { moduleVariables, parseHcl, type VariableBlock } from "./tf.ts";

interface DescribedSetting {
  key: string;
  env: string;
  kind: "string" | "integer" | "boolean" | "enum" | "list" | "url";
  default: string | null;
  choices: string[] | null;
  min: number | null;
  max: number | null;
  pattern: string | null;
  secret: boolean;
}

const MODULE = join(REPO_ROOT, "modules", "mcp-server");

/** Settings the module fixes instead of exposing, with the value it sets. */
const FIXED: Record<string, string | boolean> = {
  QUILT_MCP_TRANSPORT: "http",
  QUILT_MCP_USE_QUILT3_LOGIN: false,
};

/** Defaults that differ from the schema on purpose. */
const DEFAULT_EXCEPTIONS: Record<string, string> = {
  host:
    "the container binds 0.0.0.0 behind the load balancer (the schema's 127.0.0.1 suits a laptop)",
  awsRegion: "null means the provider's region",
};

/** Bounds the module tightens (never loosens). */
const TIGHTENED_MIN: Record<string, number> = { port: 1 };

async function describe(): Promise<DescribedSetting[]> {
  const { code, stdout, stderr } = await new Deno.Command(DENO, {
    args: ["run", join(REPO_ROOT, "server", "config", "describe.ts")],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`describe.ts failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

async function settingMaps(): Promise<{
  scalars: Record<string, unknown>;
  lists: Record<string, unknown>;
}> {
  const parsed = await parseHcl([join(MODULE, "settings.tf")]);
  const locals = Object.values(parsed)[0].locals as Record<string, unknown>[];
  const merged = Object.assign({}, ...locals) as Record<string, unknown>;
  // python-hcl2 wraps every attribute value in a one-element list.
  const unwrap = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Record<string, unknown>;
  return { scalars: unwrap(merged.setting_scalars), lists: unwrap(merged.setting_lists) };
}

function expectedType(kind: DescribedSetting["kind"]): string {
  switch (kind) {
    case "integer":
      return "number";
    case "boolean":
      return "bool";
    case "list":
      return "list(string)";
    default:
      return "string";
  }
}

function expectedDefault(s: DescribedSetting): unknown {
  if (s.default === null) return null;
  switch (s.kind) {
    case "integer":
      return Number(s.default);
    case "boolean":
      return s.default === "true";
    case "list":
      return s.default === "" ? [] : s.default.split(",");
    default:
      return s.default;
  }
}

/** Every list literal made only of quoted strings in a validation condition (python-hcl2 renders
 * them with single or double quotes). */
function choiceLists(condition: string): string[][] {
  const item = `(?:"[^"]*"|'[^']*')`;
  const list = new RegExp(`\\[(\\s*${item}(?:\\s*,\\s*${item})*\\s*,?\\s*)\\]`, "g");
  return [...condition.matchAll(list)].map((m) =>
    [...m[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map((x) => x[1] ?? x[2])
  );
}

function bounds(v: VariableBlock): { min?: number; max?: number } {
  const text = v.validations.map((x) => x.condition).join(" ");
  const min = new RegExp(`var\\.${v.name}\\s*>=\\s*(-?\\d+)`).exec(text);
  const max = new RegExp(`var\\.${v.name}\\s*<=\\s*(-?\\d+)`).exec(text);
  return { min: min ? Number(min[1]) : undefined, max: max ? Number(max[1]) : undefined };
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

Deno.test("describe.ts lists settings, some of them secret", async () => {
  const settings = await describe();
  assert(settings.length > 30, `only ${settings.length} settings described`);
  assert(
    settings.some((s) => s.secret),
    "no secret setting in the schema: the test would be vacuous",
  );
});

Deno.test("every non-secret setting maps to its variable by its environment name", async () => {
  const settings = await describe();
  const { scalars, lists } = await settingMaps();
  const variables = new Map((await moduleVariables(MODULE)).map((v) => [v.name, v]));
  const problems: string[] = [];
  for (const s of settings.filter((x) => !x.secret)) {
    const inScalars = s.env in scalars;
    const inLists = s.env in lists;
    if (inScalars === inLists) {
      problems.push(`${s.env}: must be in exactly one of setting_scalars / setting_lists`);
      continue;
    }
    if ((s.kind === "list") !== inLists) {
      problems.push(`${s.env}: a ${s.kind} setting is in the wrong map`);
    }
    const value = inScalars ? scalars[s.env] : lists[s.env];
    if (s.env in FIXED) {
      if (value !== FIXED[s.env]) problems.push(`${s.env}: must be fixed to ${FIXED[s.env]}`);
      continue;
    }
    const name = snake(s.key);
    const expected = s.key === "awsRegion" ? "${local.region}" : `\${var.${name}}`;
    if (value !== expected) problems.push(`${s.env}: bound to ${value}, expected ${expected}`);
    const v = variables.get(name);
    if (!v) {
      problems.push(`${s.env}: no variable ${name}`);
      continue;
    }
    if (v.type !== expectedType(s.kind)) {
      problems.push(`${name}: type ${v.type}, expected ${expectedType(s.kind)}`);
    }
    if (!v.description || !v.description.includes(s.env)) {
      problems.push(`${name}: description must name ${s.env}`);
    }
    if (s.kind !== "boolean" && v.validations.length === 0) problems.push(`${name}: no validation`);
  }
  const known = new Set(settings.map((s) => s.env));
  for (const env of [...Object.keys(scalars), ...Object.keys(lists)]) {
    if (!known.has(env)) problems.push(`${env}: in settings.tf but not in the schema`);
  }
  assert(problems.length === 0, problems.join("\n"));
});

Deno.test("local.region is the aws_region variable or the provider's region", () => {
  const main = Deno.readTextFileSync(join(MODULE, "main.tf"));
  assert(
    /region\s*=\s*coalesce\(var\.aws_region,/.test(main),
    "local.region must come from var.aws_region",
  );
});

Deno.test("secret settings never reach the plain environment, only ECS secrets", async () => {
  const settings = await describe();
  const { scalars, lists } = await settingMaps();
  const secrets = Deno.readTextFileSync(join(MODULE, "secrets.tf"));
  const secret = settings.filter((s) => s.secret);
  for (const s of secret) {
    assert(!(s.env in scalars) && !(s.env in lists), `${s.env} is secret but in the environment`);
    assert(
      secrets.includes(`${s.env} =`),
      `${s.env} must be injected through ECS secrets (secrets.tf)`,
    );
  }
  const variables = await moduleVariables(MODULE);
  for (const s of secret) {
    assert(
      !variables.some((v) => v.name === snake(s.key)),
      `${snake(s.key)} would take a secret value as a plain variable`,
    );
  }
});

Deno.test("defaults, choices and bounds agree with the schema", async () => {
  const settings = await describe();
  const variables = new Map((await moduleVariables(MODULE)).map((v) => [v.name, v]));
  const problems: string[] = [];
  for (const s of settings.filter((x) => !x.secret && !(x.env in FIXED))) {
    const v = variables.get(snake(s.key));
    if (!v) continue; // reported by the mapping test
    if (!(s.key in DEFAULT_EXCEPTIONS)) {
      const want = expectedDefault(s);
      // A setting with no schema default that the module requires has no Terraform default.
      const ok = v.hasDefault ? sameJson(v.default ?? null, want) : want === null;
      if (!ok) {
        problems.push(
          `${v.name}: default ${JSON.stringify(v.default)}, schema ${JSON.stringify(want)}`,
        );
      }
    }
    if (s.choices) {
      const conditions = v.validations.map((x) => x.condition);
      const lists = conditions.flatMap(choiceLists);
      if (!lists.some((l) => sameJson([...l].sort(), [...s.choices!].sort()))) {
        problems.push(`${v.name}: no validation restricts it to ${s.choices.join(", ")}`);
      }
    }
    if (s.min !== null || s.max !== null) {
      const b = bounds(v);
      const wantMin = Math.max(s.min ?? -Infinity, TIGHTENED_MIN[s.key] ?? -Infinity);
      if (s.min !== null && b.min !== wantMin) {
        problems.push(`${v.name}: minimum ${b.min}, expected ${wantMin}`);
      }
      if (s.max !== null && b.max !== s.max) {
        problems.push(`${v.name}: maximum ${b.max}, expected ${s.max}`);
      }
    }
  }
  assert(problems.length === 0, problems.join("\n"));
});
