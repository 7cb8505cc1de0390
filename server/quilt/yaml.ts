/**
 * The YAML the Quilt format uses, read and written without a YAML library: the workflows
 * configuration (`.quilt/workflows/config.yml`) and Tabulator table configurations are block
 * mappings and sequences of plain, single- or double-quoted scalars, with comments and short flow
 * sequences. That subset is parsed exactly; anything outside it (anchors, tags, block scalars,
 * multi-line flow collections, several documents) is refused with a YamlError naming the line,
 * never guessed. Output is written in the same subset, with every string double-quoted.
 * @module
 */

/** A value of the subset. */
export type YamlValue = null | boolean | number | string | YamlValue[] | {
  [key: string]: YamlValue;
};

/** The text is not YAML of the supported subset. */
export class YamlError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "YamlError";
  }
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

/** Removes a comment (a `#` at the start or after a space, outside quotes). */
function stripComment(text: string, no: number): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      const before = text.slice(0, i).trimEnd();
      // A quote opens a scalar only where a scalar starts.
      if (before === "" || /[:\-\[,]$/.test(before)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  if (quote) throw new YamlError("unterminated quoted string", no);
  return text.trimEnd();
}

function lines(source: string): Line[] {
  const out: Line[] = [];
  source.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const no = i + 1;
    if (raw.includes("\t") && /^\s*\t/.test(raw)) throw new YamlError("tab indentation", no);
    const text = stripComment(raw, no);
    if (text.trim() === "") return;
    if (/^(---|\.\.\.)(\s|$)/.test(text)) {
      if (out.length > 0) throw new YamlError("several documents are not supported", no);
      return;
    }
    out.push({ no, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  return out;
}

function unquoteDouble(s: string, no: number): string {
  let out = "";
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = s[++i];
    const simple: Record<string, string> = {
      "0": "\0",
      a: "\x07",
      b: "\b",
      t: "\t",
      n: "\n",
      v: "\v",
      f: "\f",
      r: "\r",
      e: "\x1b",
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      N: "\x85",
      _: "\xa0",
    };
    if (e in simple) out += simple[e];
    else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = s.slice(i + 1, i + 1 + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) {
        throw new YamlError(`bad \\${e} escape`, no);
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else throw new YamlError(`unknown escape \\${e}`, no);
  }
  return out;
}

/** A scalar: quoted string, null, boolean, number, or plain string. */
function scalar(text: string, no: number): YamlValue {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (t.length < 2 || !t.endsWith('"')) throw new YamlError("unterminated double quote", no);
    return unquoteDouble(t, no);
  }
  if (t.startsWith("'")) {
    if (t.length < 2 || !t.endsWith("'")) throw new YamlError("unterminated single quote", no);
    return t.slice(1, -1).replaceAll("''", "'");
  }
  if (t.startsWith("[")) return flowSequence(t, no);
  if (/^[&*!|>{%@`]/.test(t)) {
    throw new YamlError(
      `unsupported YAML construct '${t[0]}' (anchors, tags, block scalars, flow mappings)`,
      no,
    );
  }
  // Plain scalars resolve as PyYAML (quilt3's reader, YAML 1.1) resolves them.
  if (t === "" || t === "~" || /^(null|Null|NULL)$/.test(t)) return null;
  if (/^(true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(t)) return true;
  if (/^(false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(t)) return false;
  const digits = t.replaceAll("_", "");
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(t)) return Number(digits);
  if (/^[-+]?0[0-7_]+$/.test(t)) return parseInt(digits, 8);
  if (/^[-+]?0x[0-9a-fA-F_]+$/.test(t)) {
    return (t.startsWith("-") ? -1 : 1) * parseInt(digits.replace(/^[-+]?0x/, ""), 16);
  }
  if (/^[-+]?0b[01_]+$/.test(t)) {
    return (t.startsWith("-") ? -1 : 1) * parseInt(digits.replace(/^[-+]?0b/, ""), 2);
  }
  if (/^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/.test(t) && /[0-9]/.test(t)) {
    return Number(digits);
  }
  if (
    /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(t) ||
    /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(t)
  ) {
    throw new YamlError(`unsupported YAML number '${t}' (infinity, NaN or base 60)`, no);
  }
  return t;
}

/** `[a, "b", 3]` on one line. */
function flowSequence(t: string, no: number): YamlValue[] {
  if (!t.endsWith("]")) throw new YamlError("a flow sequence must end on its line", no);
  const body = t.slice(1, -1).trim();
  if (body === "") return [];
  const items: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") {
      throw new YamlError("nested flow collections are not supported", no);
    } else if (c === ",") {
      items.push(body.slice(start, i));
      start = i + 1;
    }
  }
  items.push(body.slice(start));
  return items.map((s) => scalar(s, no));
}

/** Splits `key: value` (the key plain or quoted); undefined when the line is not a mapping entry. */
function mappingEntry(text: string, no: number): { key: string; rest: string } | undefined {
  let key: string;
  let after: number;
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = text[0];
    let i = 1;
    for (; i < text.length; i++) {
      if (q === '"' && text[i] === "\\") i++;
      else if (text[i] === q) break;
    }
    if (i >= text.length) return undefined;
    key = String(scalar(text.slice(0, i + 1), no));
    after = i + 1;
    if (text[after] !== ":") return undefined;
  } else {
    const m = /^([^\s:#][^:]*?)\s*:(\s|$)/.exec(text);
    if (!m) return undefined;
    key = m[1];
    after = m[1].length + text.slice(m[1].length).indexOf(":");
  }
  return { key, rest: text.slice(after + 1).trim() };
}

class Parser {
  #i = 0;
  constructor(readonly ls: Line[]) {}

  parse(): YamlValue {
    if (this.ls.length === 0) return null;
    const v = this.block(this.ls[0].indent);
    if (this.#i < this.ls.length) {
      throw new YamlError("unexpected indentation", this.ls[this.#i].no);
    }
    return v;
  }

  block(indent: number): YamlValue {
    const first = this.ls[this.#i];
    if (first.text === "-" || first.text.startsWith("- ")) return this.sequence(indent);
    if (mappingEntry(first.text, first.no)) return this.mapping(indent);
    this.#i++;
    return scalar(first.text, first.no);
  }

  /** The value after `key:` or `- `: inline, or a nested block on the following lines. */
  nested(rest: string, parentIndent: number, no: number): YamlValue {
    if (rest !== "") return scalar(rest, no);
    const next = this.ls[this.#i];
    if (!next || next.indent <= parentIndent) {
      // A sequence may sit at its key's indentation.
      if (next && next.indent === parentIndent && next.text.startsWith("- ")) {
        return this.sequence(parentIndent);
      }
      return null;
    }
    return this.block(next.indent);
  }

  mapping(indent: number): Record<string, YamlValue> {
    const out: Record<string, YamlValue> = {};
    while (this.#i < this.ls.length) {
      const line = this.ls[this.#i];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new YamlError("unexpected indentation", line.no);
      const entry = mappingEntry(line.text, line.no);
      if (!entry) break;
      if (Object.hasOwn(out, entry.key)) {
        throw new YamlError(`duplicate key '${entry.key}'`, line.no);
      }
      this.#i++;
      out[entry.key] = this.nested(entry.rest, indent, line.no);
    }
    return out;
  }

  sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.#i < this.ls.length) {
      const line = this.ls[this.#i];
      if (line.indent !== indent || !(line.text === "-" || line.text.startsWith("- "))) {
        if (line.indent > indent) throw new YamlError("unexpected indentation", line.no);
        break;
      }
      const rest = line.text.slice(1).trim();
      const entry = rest === "" ? undefined : mappingEntry(rest, line.no);
      if (entry) {
        // "- key: value" starts a mapping whose entries sit at the column after "- ".
        const column = indent + line.text.indexOf(rest);
        this.ls[this.#i] = { no: line.no, indent: column, text: rest };
        out.push(this.mapping(column));
      } else {
        this.#i++;
        out.push(this.nested(rest, indent, line.no));
      }
    }
    return out;
  }
}

/** Parses YAML of the supported subset. */
export function parseYaml(source: string): YamlValue {
  return new Parser(lines(source)).parse();
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function emit(value: YamlValue, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === "object" && !Array.isArray(item)) {
        const entries = Object.entries(item);
        if (entries.length === 0) {
          out.push(`${indent}- {}`);
          continue;
        }
        const inner: string[] = [];
        emit(item, `${indent}  `, inner);
        inner[0] = `${indent}- ${inner[0].slice(indent.length + 2)}`;
        out.push(...inner);
      } else if (Array.isArray(item)) {
        throw new YamlError("nested sequences are not written");
      } else out.push(`${indent}- ${emitScalar(item)}`);
    }
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, YamlValue>)) {
    if (v !== null && typeof v === "object") {
      if (Array.isArray(v) && v.length === 0) out.push(`${indent}${quote(k)}: []`);
      else {
        out.push(`${indent}${quote(k)}:`);
        emit(v, Array.isArray(v) ? indent : `${indent}  `, out);
      }
    } else out.push(`${indent}${quote(k)}: ${emitScalar(v)}`);
  }
}

function emitScalar(v: YamlValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new YamlError("only finite numbers are written");
    return String(v);
  }
  return String(v);
}

/** Writes a mapping in the subset (every string double-quoted, so it reads back identically). */
export function stringifyYaml(value: Record<string, YamlValue>): string {
  const out: string[] = [];
  emit(value, "", out);
  return out.join("\n") + "\n";
}
