/**
 * A small YAML emitter for CloudFormation templates: block mappings and sequences, every string
 * double-quoted (a JSON string is a valid YAML double-quoted scalar), intrinsic functions in their
 * long form (`Fn::If:`), and short nodes as JSON flow collections (valid YAML) to keep the
 * template compact. Enough for data without anchors, tags or multi-line scalars. Pure.
 * @module
 */

/** Nodes whose JSON fits in this many columns (with their indentation) are written in flow style. */
const FLOW_WIDTH = 100;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_:.\/-]*$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) && !k.endsWith(":") ? k : JSON.stringify(k);
}

function scalar(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  throw new Error(`not a YAML scalar: ${JSON.stringify(value)}`);
}

function isEmpty(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length === 0) return "[]";
  if (
    value !== null && typeof value === "object" &&
    Object.keys(value).length === 0
  ) return "{}";
  return undefined;
}

/** JSON spaced as `deno fmt` spaces YAML flow collections (`{ "a": [1, 2] }`). */
function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flowText(v)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}

function flow(value: unknown, indent: number): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const text = flowText(value);
  return indent + text.length <= FLOW_WIDTH ? text : undefined;
}

function lines(value: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      const empty = isEmpty(item);
      const inline = flow(item, indent + 2);
      if (empty !== undefined) out.push(`${pad}- ${empty}`);
      else if (inline !== undefined) out.push(`${pad}- ${inline}`);
      else if (item !== null && typeof item === "object") {
        const inner = lines(item, indent + 2);
        out.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
      } else out.push(`${pad}- ${scalar(item)}`);
    }
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const empty = isEmpty(v);
      if (empty !== undefined) out.push(`${pad}${key(k)}: ${empty}`);
      else if (v !== null && typeof v === "object") {
        out.push(`${pad}${key(k)}:`, ...lines(v, indent + 2));
      } else out.push(`${pad}${key(k)}: ${scalar(v)}`);
    }
    return out;
  }
  return [`${pad}${scalar(value)}`];
}

/** The YAML text of a JSON-like value (a document ending with a newline). */
export function toYaml(value: unknown, header: readonly string[] = []): string {
  return [...header.map((h) => `# ${h}`), ...lines(value, 0)].join("\n") + "\n";
}
