/**
 * The map from the Python reference server (PyPI quilt-mcp 0.22.0) to quilt-mcp, kept in
 * docs/data/python-mapping.json and rendered here into the tables of docs/tools.md and
 * docs/migration-from-python.md (`make docs`). The first column is headed "Predecessor" (names of
 * the Python server, not ours: tests/docs/names_test.ts skips such columns).
 * @module
 */
import mapping from "../../docs/data/python-mapping.json" with { type: "json" };

/** One reference tool or resource and what replaces it. */
export interface MappingEntry {
  readonly reference: string;
  readonly kind: "tool" | "resource";
  readonly status: "ported" | "partly" | "not_ported";
  readonly ours: readonly string[];
  readonly note: string;
}

/** Every entry, reference tools first, in the reference's listing order. */
export const PYTHON_MAPPING: readonly MappingEntry[] = mapping.entries as MappingEntry[];
/** The reference version and its counts. */
export const PYTHON_REFERENCE: {
  package: string;
  version: string;
  tools: number;
  resources: number;
} = mapping.reference;

const LABEL = { ported: "ported", partly: "partly", not_ported: "not ported" } as const;

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Counts per kind and status. */
export function mappingCounts(): Record<
  "tool" | "resource",
  Record<MappingEntry["status"], number>
> {
  const zero = () => ({ ported: 0, partly: 0, not_ported: 0 });
  const counts = { tool: zero(), resource: zero() };
  for (const e of PYTHON_MAPPING) counts[e.kind][e.status]++;
  return counts;
}

/** The mapping as Markdown: a summary line and one table per kind. */
export function mappingMarkdown(headingLevel: number): string {
  const h = "#".repeat(headingLevel);
  const c = mappingCounts();
  const out = [
    `Generated from \`docs/data/python-mapping.json\` by \`make docs\`. Reference: PyPI \`${PYTHON_REFERENCE.package}\` ${PYTHON_REFERENCE.version} (${PYTHON_REFERENCE.tools} tools, ${PYTHON_REFERENCE.resources} resources).`,
    "",
    `Tools: ${c.tool.ported} ported, ${c.tool.partly} partly, ${c.tool.not_ported} not ported. Resources: ${c.resource.ported} ported, ${c.resource.partly} partly, ${c.resource.not_ported} not ported.`,
    "",
  ];
  for (const kind of ["tool", "resource"] as const) {
    out.push(
      `${h} Predecessor ${kind}s`,
      "",
      `| Predecessor ${kind} | quilt-mcp | Status | What differs, or why not |`,
      "|---|---|---|---|",
      ...PYTHON_MAPPING.filter((e) => e.kind === kind).map((e) =>
        `| \`${e.reference}\` | ${e.ours.map((o) => `\`${o}\``).join(", ") || "—"} | ${
          LABEL[e.status]
        } | ${cell(e.note) || "—"} |`
      ),
      "",
    );
  }
  return out.join("\n");
}
