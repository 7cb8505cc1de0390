/**
 * Every name an operator types from runbooks/ and docs/ exists in the product: settings
 * (QUILT_MCP_* and their flags) in the config schema, `quilt-mcp <command>` in the CLI,
 * `make <target>` in the Makefile, alarm and resource names (`<name>-…`) in the Terraform modules,
 * dashboard widgets in modules/observability, metric, dimension, log field and other identifiers in
 * the telemetry catalog or the product's sources, file paths and Markdown links in the repository.
 * Each test fails with the list of unknown names.
 */
import { existsSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { SETTINGS } from "../../server/config/schema.ts";
import catalog from "../../server/telemetry/catalog.json" with { type: "json" };
import {
  alarmPatterns,
  anchors,
  cliCommands,
  codeBlocks,
  type Doc,
  inlineCode,
  links,
  makeTargets,
  nameTemplates,
  operatorDocs,
  productVocabulary,
  prose,
  readRepo,
  widgetTitles,
} from "./doc_scan.ts";
import { once, onceAsync } from "../harness/setup.ts";

/**
 * Names the documents may use although the product's sources never spell them: AWS's own values
 * that operators meet in AWS output. Each is an AWS name, not ours; keep the list short.
 */
const AWS_TERMS: ReadonlySet<string> = new Set([
  "AWSPENDING", // Secrets Manager version stage (the rotation window)
  "MANAGED_RULE_GROUP", // WAF log: terminatingRuleType of a managed rule group
  "ResourceInitializationError", // ECS stopped reason: secrets or image could not be fetched
  "CannotPullContainerError", // ECS stopped reason: image pull failed
  "RegionDisabledException", // STS error when STS is disabled in the region
  "NoSuchEntity", // IAM error: the role does not exist
  "mcpServers", // Claude Desktop and Cursor configuration key
  "terminatingRuleId", // WAF log field: the rule that decided a request
  "eventTime", // CloudTrail record field: when the call completed (runbooks/audit-trail.md)
  "errorCode", // CloudTrail record field: the AWS error of a refused call
]);

/** Table columns that name the Python predecessor's settings (not ours). */
const PREDECESSOR_COLUMN = (header: string) => /^predecessor/i.test(header);

const SETTING_ENVS: ReadonlySet<string> = new Set(SETTINGS.map((s) => s.env));
const SETTING_FLAGS: ReadonlySet<string> = new Set([
  ...SETTINGS.map((s) => s.flag),
  "--help",
  "--version",
  "-h",
]);

// Read on first use, inside a test: a failure fails the tests, not the module.
const loadDocs = onceAsync(operatorDocs);

function shellBlocks(doc: Doc): string[] {
  return codeBlocks(doc).filter((b) => ["sh", "bash", "console", "shell"].includes(b.info[0] ?? ""))
    .map((b) =>
      b.code.replace(/\\\n\s*/g, " ").split("\n").map((line) => line.replace(/(^|\s)#.*$/, ""))
        .join(
          "\n",
        )
    );
}

/** Text that may name our settings: prose, inline code (minus predecessor columns), code blocks. */
function settingText(doc: Doc): string {
  const text = prose(doc);
  const plain = text.replace(/`[^`\n]*`/g, " ");
  return [plain, ...inlineCode(text, PREDECESSOR_COLUMN), ...codeBlocks(doc).map((b) => b.code)]
    .join("\n");
}

Deno.test("docs name only settings that exist (QUILT_MCP_* in server/config/schema.ts)", async () => {
  const docs = await loadDocs();
  const unknown: string[] = [];
  for (const doc of docs) {
    for (const m of settingText(doc).matchAll(/\bQUILT_MCP_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      if (!SETTING_ENVS.has(m[0])) unknown.push(`${doc.path}: ${m[0]}`);
    }
  }
  assertEquals([...new Set(unknown)], []);
});

/** `quilt-mcp …` invocations in inline code and shell blocks. */
function invocations(doc: Doc): string[] {
  const sources = [...inlineCode(prose(doc), PREDECESSOR_COLUMN), ...shellBlocks(doc)];
  const out: string[] = [];
  for (const s of sources) {
    for (const m of s.matchAll(/(?:^|[\s"'(/])quilt-mcp((?:[ \t]+[^\s|&;>`]+)*)/gm)) {
      out.push(m[1].trim());
    }
  }
  return out;
}

Deno.test("docs use only quilt-mcp commands and flags the CLI has", async () => {
  const docs = await loadDocs();
  const commands = new Set(cliCommands());
  const unknown: string[] = [];
  let seen = 0;
  for (const doc of docs) {
    for (const args of invocations(doc)) {
      const words = args.split(/\s+/).filter((w) => w.length > 0);
      if (words.length === 0) continue;
      seen++;
      if (!words[0].startsWith("-") && !commands.has(words[0])) {
        unknown.push(`${doc.path}: quilt-mcp ${words[0]}`);
      }
      for (const w of words.filter((x) => x.startsWith("-"))) {
        const flag = w.split("=")[0];
        if (!SETTING_FLAGS.has(flag)) unknown.push(`${doc.path}: quilt-mcp … ${flag}`);
      }
    }
  }
  assertEquals(unknown, []);
  assert(seen > 5, `expected the docs to show quilt-mcp commands, found ${seen}`);
});

Deno.test("docs use only make targets the Makefile has", async () => {
  const docs = await loadDocs();
  const targets = new Set(makeTargets());
  const unknown: string[] = [];
  for (const doc of docs) {
    const sources = [...inlineCode(prose(doc)), ...shellBlocks(doc)];
    for (const s of sources) {
      for (const m of s.matchAll(/(?:^|[\s;&|(])make[ \t]+([a-z][\w-]*)/gm)) {
        if (!targets.has(m[1])) unknown.push(`${doc.path}: make ${m[1]}`);
      }
    }
  }
  assertEquals([...new Set(unknown)], []);
});

const alarms = once(() => alarmPatterns(catalog.client_types));
const templates = onceAsync(nameTemplates);

function knownResourceName(token: string, ALARMS: RegExp[], TEMPLATES: string[]): boolean {
  // In an ARN or path, the segment that carries the name is what the modules create.
  const segment = token.split("/").filter((s) => s.includes("<name>")).at(-1) ?? token;
  return [token, segment].some((t) =>
    ALARMS.some((re) => re.test(t)) || TEMPLATES.some((tpl) => tpl.includes(t))
  );
}

Deno.test("alarm and resource names (<name>-…) exist in the Terraform modules", async () => {
  const docs = await loadDocs();
  const ALARMS = alarms();
  const TEMPLATES = await templates();
  assert(ALARMS.length >= 6, `modules/observability defines ${ALARMS.length} alarms`);
  const unknown: string[] = [];
  for (const doc of docs) {
    for (const span of inlineCode(prose(doc))) {
      for (const piece of span.split(/[\s,]+/).filter((p) => p.includes("<name>"))) {
        const token = piece.replace(/^["'(]+|["'),.:]+$/g, "");
        if (!knownResourceName(token, ALARMS, TEMPLATES)) unknown.push(`${doc.path}: ${token}`);
      }
    }
    for (const code of shellBlocks(doc)) {
      for (const m of code.matchAll(/--alarm-names?((?:\s+"[^"]+")+)/g)) {
        for (const q of m[1].matchAll(/"([^"]+)"/g)) {
          const token = q[1].replaceAll("$NAME", "<name>").replaceAll("${NAME}", "<name>");
          if (!ALARMS.some((re) => re.test(token))) unknown.push(`${doc.path}: alarm ${q[1]}`);
        }
      }
      for (const m of code.matchAll(/[\w/.-]*\$NAME[\w.-]*/g)) {
        const token = m[0].replaceAll("$NAME", "<name>");
        if (!knownResourceName(token, ALARMS, TEMPLATES)) unknown.push(`${doc.path}: ${m[0]}`);
      }
    }
  }
  assertEquals([...new Set(unknown)], []);
});

Deno.test("every alarm of modules/observability is answered by a runbook (runbooks/README.md)", async () => {
  const docs = await loadDocs();
  const ALARMS = alarms();
  const index = docs.find((d) => d.path === "runbooks/README.md");
  assert(index, "runbooks/README.md exists");
  const named = inlineCode(prose(index));
  const unanswered = ALARMS.flatMap((re) => {
    const variants = re.source.includes("(")
      ? catalog.client_types.map((c) =>
        re.source.replace(/^\^|\$$/g, "").replace(/\([^)]*\)/, c).replaceAll("\\", "")
      )
      : [re.source.replace(/^\^|\$$/g, "").replaceAll("\\", "")];
    return variants.filter((v) => !named.includes(v));
  });
  assertEquals(unanswered, []);
});

Deno.test("dashboard widgets named in the docs exist in modules/observability/dashboard.tf", async () => {
  const docs = await loadDocs();
  const titles = new Set(widgetTitles(catalog.metrics));
  assert(titles.size > 5, "the dashboard defines widgets");
  const unknown: string[] = [];
  let seen = 0;
  for (const doc of docs) {
    const text = prose(doc).replace(/\s+/g, " ");
    const quoted: string[] = [];
    for (const m of text.matchAll(/widgets? ((?:"[^"]+"(?:,? (?:and )?)?)+)/g)) {
      quoted.push(...[...m[1].matchAll(/"([^"]+)"/g)].map((q) => q[1]));
    }
    for (const m of text.matchAll(/"([^"]+)" widget/g)) quoted.push(m[1]);
    for (const title of quoted) {
      seen++;
      if (!titles.has(title)) unknown.push(`${doc.path}: widget "${title}"`);
    }
  }
  assertEquals(unknown, []);
  assert(seen >= 5, `expected the runbooks to point at dashboard widgets, found ${seen}`);
});

Deno.test("metric, dimension, log field and other identifiers in inline code exist in the product", async () => {
  const docs = await loadDocs();
  const vocabulary = await productVocabulary();
  for (const m of Object.keys(catalog.metrics)) assert(vocabulary.has(m), `vocabulary has ${m}`);
  const unknown: string[] = [];
  for (const doc of docs) {
    for (const span of inlineCode(prose(doc), PREDECESSOR_COLUMN)) {
      const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/.test(span) &&
        (span.includes("_") || /[a-z][A-Z]/.test(span));
      const action = /^[a-z][a-z0-9-]*:[A-Za-z*][A-Za-z0-9*]*$/.test(span);
      if (!identifier && !action) continue;
      if (span.startsWith("QUILT_MCP_")) continue; // checked against the schema above
      if (!vocabulary.has(span) && !AWS_TERMS.has(span)) unknown.push(`${doc.path}: ${span}`);
    }
  }
  assertEquals([...new Set(unknown)], []);
});

Deno.test("file paths and relative links in the docs exist (with their anchors)", async () => {
  const docs = await loadDocs();
  const missing: string[] = [];
  for (const doc of docs) {
    for (const span of inlineCode(prose(doc))) {
      if (!/^(server|policies|modules|tests|docs|runbooks|examples|\.github|\.ci)\//.test(span)) {
        continue;
      }
      if (/[<*\s]/.test(span)) continue;
      if (!existsSync(join(REPO_ROOT, span.replace(/\/$/, "")))) {
        missing.push(`${doc.path}: ${span}`);
      }
    }
    for (const target of links(doc)) {
      const [file, anchor] = target.split("#");
      const path = file === "" ? doc.path : normalize(join(dirname(doc.path), file));
      if (!existsSync(join(REPO_ROOT, path))) {
        missing.push(`${doc.path}: link ${target}`);
        continue;
      }
      if (anchor && path.endsWith(".md") && !anchors(readRepo(path)).has(anchor)) {
        missing.push(`${doc.path}: link ${target} (no such heading)`);
      }
    }
  }
  assertEquals(missing, []);
});

Deno.test("client snippets (JSON) start quilt-mcp with a real command, flags and settings", async () => {
  const docs = await loadDocs();
  const commands = new Set(cliCommands());
  const problems: string[] = [];
  let servers = 0;
  for (const doc of docs.filter((d) => d.path.startsWith("docs/clients/"))) {
    for (
      const block of codeBlocks(doc).filter((b) => b.info[0] === "json" || b.info[0] === "jsonc")
    ) {
      let parsed: Record<string, Record<string, Record<string, unknown>>>;
      try {
        parsed = JSON.parse(block.code);
      } catch (e) {
        problems.push(`${doc.path}:${block.line}: not JSON (${(e as Error).message})`);
        continue;
      }
      const entries = Object.values(parsed.mcpServers ?? parsed.servers ?? {});
      for (const entry of entries) {
        servers++;
        const command = String(entry.command ?? "");
        const args = (entry.args ?? []) as string[];
        if (/quilt-mcp(\.exe)?$/.test(command)) {
          if (!commands.has(args[0])) {
            problems.push(`${doc.path}:${block.line}: args[0] ${args[0]}`);
          }
          for (const a of args.filter((x) => x.startsWith("--"))) {
            if (!SETTING_FLAGS.has(a.split("=")[0])) problems.push(`${doc.path}: flag ${a}`);
          }
        } else if (!entry.url && command !== "npx") {
          problems.push(`${doc.path}:${block.line}: unexpected command ${command}`);
        }
        for (const key of Object.keys((entry.env ?? {}) as Record<string, string>)) {
          if (key.startsWith("QUILT_MCP_") && !SETTING_ENVS.has(key)) {
            problems.push(`${doc.path}:${block.line}: env ${key}`);
          }
        }
        if (entry.url && !String(entry.url).endsWith("/mcp")) {
          problems.push(`${doc.path}:${block.line}: url ${entry.url} is not an MCP endpoint`);
        }
      }
    }
  }
  assertEquals(problems, []);
  assert(servers >= 6, `expected stdio and HTTP snippets for three clients, found ${servers}`);
});

Deno.test("Mermaid diagrams declare a known diagram type and balance their brackets", async () => {
  const docs = await loadDocs();
  const problems: string[] = [];
  let diagrams = 0;
  for (const doc of docs) {
    for (const block of codeBlocks(doc).filter((b) => b.info[0] === "mermaid")) {
      diagrams++;
      const lines = block.code.split("\n").filter((l) => l.trim() !== "");
      if (!/^(flowchart|graph) (LR|RL|TB|TD|BT)$|^sequenceDiagram$/.test(lines[0]?.trim() ?? "")) {
        problems.push(`${doc.path}:${block.line}: unknown diagram type ${lines[0]}`);
      }
      for (const line of lines) {
        const text = line.replace(/"[^"]*"/g, '""');
        for (const [open, close] of [["[", "]"], ["(", ")"], ["{", "}"]]) {
          if (text.split(open).length !== text.split(close).length) {
            problems.push(
              `${doc.path}:${block.line}: unbalanced ${open}${close} in: ${line.trim()}`,
            );
          }
        }
        if ((line.match(/"/g) ?? []).length % 2 !== 0) {
          problems.push(`${doc.path}:${block.line}: unbalanced quotes in: ${line.trim()}`);
        }
      }
    }
  }
  assertEquals(problems, []);
  assert(diagrams >= 5, `expected the docs to carry diagrams, found ${diagrams}`);
});
