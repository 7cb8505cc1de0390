/** The configuration reference in Markdown, generated from the schema (docs/configuration.md). @module */
import { type Setting, SETTINGS } from "./schema.ts";

const GROUP_TITLES: Record<Setting["group"], string> = {
  server: "Server and HTTP",
  auth: "Token verification (HTTP)",
  identity: "Identity and per-user roles (HTTP)",
  tools: "Tools",
  aws: "AWS",
  telemetry: "Logs and metrics",
};

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function allowed(s: Setting): string {
  const parts: string[] = [];
  if (s.choices) parts.push(s.choices.map((c) => `\`${c}\``).join(", "));
  if (s.min !== undefined || s.max !== undefined) parts.push(`${s.min ?? "…"}–${s.max ?? "…"}`);
  if (s.kind === "url") parts.push("http(s) URL");
  if (s.kind === "boolean") parts.push("`true`/`false`");
  if (s.kind === "list") parts.push("comma-separated");
  return parts.join("; ");
}

/** The whole reference document. */
export function configurationReference(): string {
  const out = [
    "# Configuration reference",
    "",
    "<!-- Generated from server/config/schema.ts by `make docs`; a test keeps it in sync. Do not edit. -->",
    "",
    "Every setting can be given as an environment variable or a command-line flag (the flag wins).",
    "Secret settings are marked 🔒: pass them only through ECS `secrets` (Secrets Manager/SSM), never",
    "as plain environment values. `quilt-mcp --help` prints the same list.",
    "",
  ];
  for (const group of Object.keys(GROUP_TITLES) as Setting["group"][]) {
    out.push(
      `## ${GROUP_TITLES[group]}`,
      "",
      "| Variable | Flag | Default | Allowed | Description |",
      "|---|---|---|---|---|",
    );
    for (const s of SETTINGS.filter((x) => x.group === group)) {
      const def = s.default === undefined || s.default === "" ? "—" : `\`${s.default}\``;
      out.push(
        `| \`${s.env}\`${s.secret ? " 🔒" : ""} | \`${s.flag}\` | ${def} | ${cell(allowed(s))} | ${
          cell(s.description)
        } |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
