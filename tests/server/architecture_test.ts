/**
 * The server's shape, enforced: one folder per tool category under server/tools/ (plus `common/`
 * for shared plumbing), and the layer rules of docs/architecture.md checked on the real module
 * graph (`deno info`, type-only imports included, followed transitively).
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CATEGORIES } from "../../server/tools/categories.ts";
import type { ToolDefinition } from "../../server/tools/common/define.ts";
import type { ResourceDefinition } from "../../server/tools/common/define_resource.ts";
import { ALL_RESOURCES, ALL_TOOLS } from "../../server/tools/registry.ts";
import { REPO_ROOT } from "../harness/paths.ts";

/** Folders under server/tools/ that are not categories, and why they exist. */
const SHARED_FOLDERS = new Set(["common"]);

/** server-relative module path → the server-relative paths (or npm specifiers) it imports. */
type Graph = Map<string, Set<string>>;

/** A forbidden dependency: modules matching `from` must not reach modules matching `to`. */
interface LayerRule {
  readonly from: RegExp;
  readonly to: RegExp;
  readonly why: string;
}

const RULES: readonly LayerRule[] = [
  {
    from: /^tools\//,
    to: /^(auth|http|mcp)\/|^(serve_http|serve_stdio|main|doctor)\.ts$/,
    why: "tools read identity and credentials only from the request context",
  },
  {
    from: /^quilt\//,
    to: /^(?!quilt\/)[^:]+$|^npm:@aws-sdk\//,
    why: "the Quilt format code is pure: no AWS, auth, HTTP or tool code",
  },
  {
    from: /^telemetry\//,
    to: /^(?!(telemetry|config)\/)[^:]+$/,
    why: "telemetry is the bottom layer",
  },
  {
    from: /^context\.ts$/,
    to: /^(auth|http|tools|mcp)\//,
    why: "the context sits below auth and http",
  },
  { from: /^aws\//, to: /^(auth|http|tools|mcp)\//, why: "aws sits below auth" },
  { from: /^auth\//, to: /^(http|tools|mcp)\//, why: "auth sits below http" },
];

async function denoInfo(root: string): Promise<Graph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", root],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`deno info ${root}: ${new TextDecoder().decode(out.stderr)}`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const serverDir = `${REPO_ROOT}/server/`;
  const name = (specifier: string): string => {
    if (!specifier.startsWith("file:")) return specifier;
    const path = fileURLToPath(specifier);
    return path.startsWith(serverDir) ? relative(serverDir, path) : `outside:${path}`;
  };
  const graph: Graph = new Map();
  for (const module of info.modules ?? []) {
    if (!String(module.specifier).startsWith(`file://${serverDir}`)) continue;
    const deps = new Set<string>();
    for (const dep of module.dependencies ?? []) {
      for (const kind of ["code", "type"]) {
        const resolved = dep[kind]?.specifier;
        if (resolved) deps.add(name(resolved));
      }
    }
    graph.set(name(module.specifier), deps);
  }
  return graph;
}

async function serverSources(dir = `${REPO_ROOT}/server`): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await serverSources(path));
    else if (entry.name.endsWith(".ts")) files.push(relative(`${REPO_ROOT}/server`, path));
  }
  return files;
}

/** The graph of every server module: main.ts first, then any file it does not reach. */
async function serverGraph(): Promise<Graph> {
  const graph = await denoInfo("server/main.ts");
  for (const file of await serverSources()) {
    if (graph.has(file)) continue;
    for (const [k, v] of await denoInfo(`server/${file}`)) graph.set(k, v);
  }
  return graph;
}

/** Every (module, reached dependency, rule) where a rule is broken, following imports transitively. */
export function layerViolations(graph: Graph, rules: readonly LayerRule[]): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    const applicable = rules.filter((r) => r.from.test(start));
    if (applicable.length === 0) continue;
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const current = queue.pop()!;
      for (const dep of graph.get(current) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        for (const rule of applicable) {
          if (rule.to.test(dep)) {
            found.push(`${start} reaches ${dep} (via ${current}): ${rule.why}`);
          }
        }
        if (graph.has(dep)) queue.push(dep);
      }
    }
  }
  return found;
}

Deno.test("server/tools has exactly one folder per category of policies/categories.json, plus common/", async () => {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(`${REPO_ROOT}/server/tools`)) {
    if (entry.isDirectory) folders.push(entry.name);
  }
  const categories = Object.keys(CATEGORIES);
  assertEquals(
    folders.filter((f) => !SHARED_FOLDERS.has(f)).sort(),
    [...categories].sort(),
    "each category gets server/tools/<category>/ and nothing else is a folder there",
  );
});

Deno.test("each category folder's mod.ts exports exactly that category's tools and resources", async () => {
  const byFolder = new Map<string, string[]>();
  const resourcesByFolder = new Map<string, string[]>();
  for (const category of Object.keys(CATEGORIES)) {
    const mod = await import(`../../server/tools/${category}/mod.ts`);
    const exported = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : []));
    const tools = exported.filter((v) => "input" in v) as ToolDefinition[];
    const resources = exported.filter((v) => "uri" in v) as ResourceDefinition[];
    assertEquals(tools.length + resources.length, exported.length, `${category}: only definitions`);
    for (const resource of resources) {
      assertEquals(resource.category, category, `${resource.uri} is in the folder of its category`);
    }
    resourcesByFolder.set(category, resources.map((r) => r.uri).sort());
    assert(tools.length > 0, `server/tools/${category}/mod.ts exports its tool list`);
    for (const tool of tools) {
      assertEquals(
        tool.category,
        category,
        `${tool.name} is defined in the folder of its category`,
      );
    }
    byFolder.set(category, tools.map((t) => t.name).sort());
  }
  for (const [category, spec] of Object.entries(CATEGORIES)) {
    assertEquals(byFolder.get(category), [...spec.tools].sort(), category);
    assertEquals(resourcesByFolder.get(category), [...(spec.resources ?? [])].sort(), category);
  }
  assertEquals(ALL_TOOLS.length, [...byFolder.values()].flat().length);
  assertEquals(ALL_RESOURCES.length, [...resourcesByFolder.values()].flat().length);
});

Deno.test("layer rules hold on the server's module graph", async () => {
  const graph = await serverGraph();
  for (const file of await serverSources()) {
    assert(graph.has(file), `${file} is in the graph checked`);
  }
  assertEquals(layerViolations(graph, RULES), []);
});

Deno.test("the layer check catches a tool importing auth, indirectly, and the Quilt code importing AWS", () => {
  const graph: Graph = new Map([
    ["tools/search/search.ts", new Set(["tools/common/helper.ts"])],
    ["tools/common/helper.ts", new Set(["auth/desktop.ts"])],
    ["auth/desktop.ts", new Set(["npm:@aws-sdk/client-sts@3"])],
    ["quilt/manifest.ts", new Set(["npm:@aws-sdk/client-s3@3", "context.ts"])],
    ["context.ts", new Set()],
  ]);
  const found = layerViolations(graph, RULES);
  assertEquals(found.length, 4);
  assert(found.some((v) => v.startsWith("tools/search/search.ts reaches auth/desktop.ts")));
  assert(found.some((v) => v.startsWith("tools/common/helper.ts reaches auth/desktop.ts")));
  assert(found.some((v) => v.startsWith("quilt/manifest.ts reaches npm:@aws-sdk/client-s3@3")));
  assert(found.some((v) => v.startsWith("quilt/manifest.ts reaches context.ts")));
});
