/** The tool reference in Markdown, generated from the registry and the category map (docs/tools.md). @module */
import { CATEGORIES } from "./categories.ts";
import { ALL_RESOURCES, ALL_TOOLS } from "./registry.ts";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The whole reference document. */
export function toolReference(): string {
  const out = [
    "# Tool reference",
    "",
    "<!-- Generated from server/tools/registry.ts, policies/categories.json and docs/data/python-mapping.json by `make docs`; a test keeps it in sync. Do not edit. -->",
    "",
    "Tools are grouped in categories (`policies/categories.json`); a server registers only the tools of",
    "its enabled categories (`QUILT_MCP_TOOL_CATEGORIES`), and each category has its own IAM policy in",
    "`policies/`. Annotations are hints for clients, never authorization. A category may also serve",
    "MCP resources (data and context a client can attach: `resources/list`, `resources/templates/list`,",
    "`resources/read`); they follow the same rules as its tools: registered only when the category is",
    "enabled, read as the caller, within the configured buckets, and audited.",
    "",
  ];
  for (const [category, spec] of Object.entries(CATEGORIES)) {
    const mode = spec.default ? "enabled by default" : "opt-in";
    out.push(
      `## ${category} (${mode}${spec.writes ? ", writes" : ""})`,
      "",
      spec.description,
      "",
      "| Tool | Title | Read-only | Destructive | Idempotent | Open world | What it is for |",
      "|---|---|---|---|---|---|---|",
    );
    for (const name of spec.tools) {
      const tool = ALL_TOOLS.find((t) => t.name === name);
      if (!tool) throw new Error(`${name} is in the category map but not registered`);
      const a = tool.annotations;
      const yes = (b: boolean) => (b ? "yes" : "no");
      out.push(
        `| \`${name}\` | ${cell(tool.title)} | ${yes(a.readOnlyHint)} | ${
          yes(a.destructiveHint)
        } | ${yes(a.idempotentHint)} | ${yes(a.openWorldHint)} | ${cell(tool.description)} |`,
      );
    }
    out.push("");
    const resources = (spec.resources ?? []).map((uri) => {
      const resource = ALL_RESOURCES.find((r) => r.uri === uri);
      if (!resource) throw new Error(`${uri} is in the category map but not registered`);
      return resource;
    });
    if (resources.length > 0) {
      out.push(
        `Resources of ${category}:`,
        "",
        "| Resource (URI or template) | Title | Type | What it holds |",
        "|---|---|---|---|",
        ...resources.map((r) =>
          `| \`${r.uri}\` | ${cell(r.title)} | ${r.template ? "template" : "resource"} | ${
            cell(r.description)
          } |`
        ),
        "",
      );
    }
  }
  return out.join("\n");
}
