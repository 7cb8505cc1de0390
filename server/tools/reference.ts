/** The tool reference in Markdown, generated from the registry and the category map (docs/tools.md). @module */
import { CATEGORIES } from "./categories.ts";
import { ALL_TOOLS } from "./registry.ts";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The whole reference document. */
export function toolReference(): string {
  const out = [
    "# Tool reference",
    "",
    "<!-- Generated from server/tools/registry.ts and policies/categories.json by `make docs`; a test keeps it in sync. Do not edit. -->",
    "",
    "Tools are grouped in categories (`policies/categories.json`); a server registers only the tools of",
    "its enabled categories (`QUILT_MCP_TOOL_CATEGORIES`), and each category has its own IAM policy in",
    "`policies/`. Annotations are hints for clients, never authorization.",
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
  }
  return out.join("\n");
}
