/**
 * Reading the operator documents (runbooks/, docs/) and the product definitions they must agree
 * with: the config schema, the CLI, the telemetry catalog, the Makefile and the Terraform modules.
 * Pure text processing; the tests in this folder decide what must match what.
 * @module
 */
import { join, relative } from "node:path";
import { REPO_ROOT } from "../harness/mod.ts";

/** A Markdown document of the operator bundle. */
export interface Doc {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly text: string;
}

/** A fenced code block. */
export interface CodeBlock {
  readonly doc: string;
  /** The info string words: language first (e.g. ["logs-insights", "empty-ok"]). */
  readonly info: string[];
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Every file below `dir` (relative to the repository root) whose name passes `keep`. */
export async function filesUnder(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(abs)];
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === ".terraform" || e.name === "node_modules" || e.name === "cdk.out") continue;
      const path = join(abs, e.name);
      if (e.isDirectory) await walk(path);
      else if (keep(e.name)) out.push(relative(REPO_ROOT, path));
    }
  };
  await walk(join(REPO_ROOT, dir));
  return out;
}

/** The Markdown documents under runbooks/ and docs/, and the top-level policy documents. */
export async function operatorDocs(): Promise<Doc[]> {
  const paths = [
    ...await filesUnder("runbooks", (n) => n.endsWith(".md")),
    ...await filesUnder("docs", (n) => n.endsWith(".md")),
    ...["SECURITY.md", "CONTRIBUTING.md", "CHANGELOG.md"].filter((p) => readRepo(p) !== ""),
  ];
  return await Promise.all(
    paths.map(async (path) => ({ path, text: await Deno.readTextFile(join(REPO_ROOT, path)) })),
  );
}

/** Fenced code blocks of a document. */
export function codeBlocks(doc: Doc): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = doc.text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim() === fence) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({
      doc: doc.path,
      info: info.trim().split(/\s+/).filter((w) => w.length > 0),
      code: body.join("\n"),
      line: i + 1,
    });
    i = j;
  }
  return blocks;
}

/** The document text without its fenced code blocks (prose, tables and inline code). */
export function prose(doc: Doc): string {
  const lines = doc.text.split("\n");
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m && (fence === undefined || line.trim() === fence)) {
      fence = fence === undefined ? m[1] : undefined;
      out.push("");
      continue;
    }
    out.push(fence === undefined ? line : "");
  }
  return out.join("\n");
}

/** Inline code spans of a text, with the columns of Markdown tables whose header opts out removed. */
export function inlineCode(text: string, skipColumn: (header: string) => boolean = () => false) {
  const spans: string[] = [];
  let skipped: number[] = [];
  for (const line of text.split("\n")) {
    let scan = line;
    if (/^\s*\|.*\|\s*$/.test(line)) {
      const cells = line.trim().slice(1, -1).split(/(?<!\\)\|/);
      if (cells.every((c) => /^\s*:?-{3,}:?\s*$/.test(c))) continue;
      if (skipped.length === 0 && cells.some((c) => skipColumn(c.trim()))) {
        skipped = cells.map((c, i) => (skipColumn(c.trim()) ? i : -1)).filter((i) => i >= 0);
      }
      scan = cells.filter((_, i) => !skipped.includes(i)).join("|");
    } else {
      skipped = [];
    }
    for (const m of scan.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) spans.push(m[2].trim());
  }
  return spans;
}

/** Relative Markdown links of a document: [text](target). */
export function links(doc: Doc): string[] {
  return [...prose(doc).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
    .filter((t) => !/^[a-z]+:/.test(t));
}

/** GitHub's anchor slug of a heading. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors a Markdown text defines (its headings). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose({ path: "", text }).split("\n")) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

// ---- product definitions --------------------------------------------------------------------------

/** Reads a repository file as text ("" when absent). */
export function readRepo(path: string): string {
  try {
    return Deno.readTextFileSync(join(REPO_ROOT, path));
  } catch {
    return "";
  }
}

/** CLI commands, read from server/main.ts (`const COMMANDS = [...]`). */
export function cliCommands(): string[] {
  const m = /const COMMANDS = \[([^\]]*)\]/.exec(readRepo("server/main.ts"));
  if (!m) throw new Error("server/main.ts declares no COMMANDS list");
  return [...m[1].matchAll(/"([a-z-]+)"/g)].map((x) => x[1]);
}

/** Makefile targets. */
export function makeTargets(): string[] {
  return [...readRepo("Makefile").matchAll(/^([a-zA-Z][\w-]*):/gm)].map((m) => m[1]);
}

/** String literals of every .tf file under modules/ and examples/ that contain `${var.name}`. */
export async function nameTemplates(): Promise<string[]> {
  const files = [
    ...await filesUnder("modules", (n) => n.endsWith(".tf")),
    ...await filesUnder("examples", (n) => n.endsWith(".tf")),
  ];
  const out = new Set<string>();
  for (const f of files) {
    for (
      const m of readRepo(f).matchAll(/"((?:[^"\\\n]|\\.)*\$\{var\.name\}(?:[^"\\\n]|\\.)*)"/g)
    ) {
      out.add(m[1].replaceAll("${var.name}", "<name>"));
    }
  }
  return [...out];
}

/** Alarm names as regular expressions, from modules/observability (`alarm_name = "…"`). */
export function alarmPatterns(clientTypes: readonly string[]): RegExp[] {
  const text = [
    readRepo("modules/observability/alarms.tf"),
    readRepo("modules/observability/main.tf"),
  ]
    .join("\n");
  return [...text.matchAll(/alarm_name\s*=\s*"([^"]+)"/g)].map((m) => {
    const source = m[1].split(/(\$\{[^}]+\})/).map((part) => {
      if (part === "${var.name}") return "<name>";
      if (part === "${each.key}" || part === "${each.value}") return `(${clientTypes.join("|")})`;
      if (part.startsWith("${")) return "[A-Za-z0-9._-]+";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("");
    return new RegExp(`^${source}$`);
  });
}

/** Dashboard widget titles, from modules/observability/dashboard.tf (metric titles expanded). */
export function widgetTitles(metrics: Record<string, { unit: string }>): string[] {
  const titles: string[] = [];
  for (
    const m of readRepo("modules/observability/dashboard.tf").matchAll(/title\s*=\s*"([^"]+)"/g)
  ) {
    if (m[1] === "${name} (${m.unit})") {
      for (const [name, spec] of Object.entries(metrics)) titles.push(`${name} (${spec.unit})`);
    } else titles.push(m[1]);
  }
  return titles;
}

/** Every identifier-like word of the product's sources: what "exists in the product" means for a name. */
export async function productVocabulary(): Promise<Set<string>> {
  const files = [
    ...await filesUnder("server", (n) => /\.(ts|json|txt)$/.test(n)),
    ...await filesUnder("policies", (n) => /\.(ts|json|md)$/.test(n)),
    ...await filesUnder(
      "modules",
      (n) => /\.(tf|ts|json|ya?ml)$/.test(n) && !n.endsWith(".tftest.hcl"),
    ),
    ...await filesUnder("examples", (n) => n.endsWith(".tf")),
    ...await filesUnder(".github", (n) => /\.ya?ml$/.test(n)),
    "Makefile",
    "Dockerfile",
    "tests/smoke/smoke.ts",
  ];
  const words = new Set<string>();
  for (const f of files) {
    for (const m of readRepo(f).matchAll(/[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z*][A-Za-z0-9*]*)?/g)) {
      words.add(m[0]);
      for (const part of m[0].split(":")) words.add(part);
    }
  }
  return words;
}
