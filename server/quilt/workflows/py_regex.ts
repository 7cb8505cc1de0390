/**
 * Python regular expressions (`re.search(pattern, text)`, as quilt3's workflow `handle_pattern`
 * and jsonschema's `pattern` / `patternProperties` use them) run on JavaScript's engine.
 *
 * The pattern is parsed with the rules of CPython 3.11's `re/_parser.py` — so a pattern Python
 * rejects is rejected here, with Python's message — and re-emitted as a JavaScript `v`-mode
 * RegExp with Python's meaning: Unicode `\d \w \s \b` as Python defines them, `.` without `\n`,
 * `$` also before a final newline, `\Z`, scoped and inline flags. Constructs JavaScript cannot
 * express with the same meaning (backreferences, conditional groups, `\N{...}`, the TEMPLATE
 * flag) are refused with
 * {@link PyRegexUnsupportedError}: a workflow rule this server cannot evaluate exactly is never
 * skipped.
 * @module
 */

import { QuiltFormatError } from "../errors.ts";

/** A pattern Python's `re` rejects (`re.error`, or OverflowError for huge repeat counts). */
export class PyRegexError extends QuiltFormatError {
  /** Creates the error; the message is Python's. */
  constructor(message: string) {
    super(message);
    this.name = "PyRegexError";
  }
}

/** A valid Python pattern whose meaning this server cannot reproduce exactly. */
export class PyRegexUnsupportedError extends QuiltFormatError {
  /** Creates the error; the message names the construct. */
  constructor(pattern: string, what: string) {
    super(
      `the regular expression ${
        JSON.stringify(pattern)
      } uses ${what}, which this server cannot evaluate exactly as Python does`,
    );
    this.name = "PyRegexUnsupportedError";
  }
}

const MAXREPEAT = 4294967295;
const MAXGROUPS = 1073741823;

const F_I = 2, F_L = 4, F_M = 8, F_S = 16, F_U = 32, F_X = 64, F_A = 256, F_T = 1;
const FLAGS: Readonly<Record<string, number>> = {
  i: F_I,
  L: F_L,
  m: F_M,
  s: F_S,
  x: F_X,
  a: F_A,
  t: F_T,
  u: F_U,
};
const TYPE_FLAGS = F_A | F_L | F_U;
const GLOBAL_FLAGS = F_T;

type Cat = "digit" | "notdigit" | "space" | "notspace" | "word" | "notword";
type ClassItem =
  | { t: "lit"; cp: number }
  | { t: "range"; lo: number; hi: number }
  | { t: "cat"; cat: Cat };
type Node =
  | { t: "lit"; cp: number }
  | { t: "notlit"; cp: number }
  | { t: "any" }
  | { t: "in"; negate: boolean; items: ClassItem[] }
  | { t: "at"; at: "begin" | "end" | "beginString" | "endString" | "boundary" | "nonBoundary" }
  | {
    t: "repeat";
    min: number;
    max: number;
    lazy: boolean;
    possessive: boolean;
    item: Node[];
  }
  | { t: "atomic"; body: Node[] }
  | { t: "group"; gid: number | null; add: number; del: number; body: Node[] }
  | { t: "assert"; behind: boolean; negate: boolean; body: Node[] }
  | { t: "branch"; alts: Node[][] };

const SPECIAL = ".\\[{()*+?^$|";
const WHITESPACE = " \t\n\r\v\f";
const isDigit = (c: string | null) => c !== null && c.length === 1 && c >= "0" && c <= "9";
const isOct = (c: string | null) => c !== null && c.length === 1 && c >= "0" && c <= "7";
const isHex = (c: string | null) => c !== null && c.length === 1 && /[0-9a-fA-F]/.test(c);
const isAsciiLetter = (c: string) => /^[A-Za-z]$/.test(c);
const isIdentifier = (s: string) => /^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(s);
const isAlpha = (c: string) => /^\p{L}$/u.test(c);

/** Tokens of the pattern as CPython's Tokenizer yields them: a code point, or `\` plus one. */
class Tokenizer {
  readonly chars: string[];
  index = 0;
  start = 0;
  next: string | null = null;

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
    this.#advance();
  }

  #advance(): void {
    const i = this.index;
    this.start = i;
    if (i >= this.chars.length) {
      this.next = null;
      return;
    }
    let c = this.chars[i];
    let j = i;
    if (c === "\\") {
      j++;
      if (j >= this.chars.length) throw new PyRegexError("bad escape (end of pattern)");
      c += this.chars[j];
    }
    this.index = j + 1;
    this.next = c;
  }

  match(c: string): boolean {
    if (this.next === c) {
      this.#advance();
      return true;
    }
    return false;
  }

  get(): string | null {
    const t = this.next;
    this.#advance();
    return t;
  }

  getWhile(n: number, ok: (c: string | null) => boolean): string {
    let out = "";
    for (let k = 0; k < n; k++) {
      if (!ok(this.next)) break;
      out += this.next;
      this.#advance();
    }
    return out;
  }

  getUntil(terminator: string, name: string): string {
    let out = "";
    for (;;) {
      const c = this.next;
      this.#advance();
      if (c === null) {
        throw new PyRegexError(
          out ? `missing ${terminator}, unterminated name` : `missing ${name}`,
        );
      }
      if (c === terminator) {
        if (!out) throw new PyRegexError(`missing ${name}`);
        return out;
      }
      out += c;
    }
  }

  /** Position (in code points) of the next token, as Python's `tell()`. */
  tell(): number {
    return this.start;
  }

  seek(index: number): void {
    this.index = index;
    this.#advance();
  }
}

interface State {
  flags: number;
  groupNames: Map<string, number>;
  groupWidths: ([number, number] | null)[];
  lookbehindGroups: number | null;
  pattern: string;
  /** Capture groups opened so far in the JavaScript pattern being emitted. */
  jsGroups: number;
}

const groupsOf = (s: State) => s.groupWidths.length;

function unsupported(s: State, what: string): never {
  throw new PyRegexUnsupportedError(s.pattern, what);
}

function checkGroupName(name: string): void {
  if (!isIdentifier(name)) throw new PyRegexError(`bad character in group name '${name}'`);
}

function categoryOf(escape: string): Node | undefined {
  switch (escape) {
    case "\\A":
      return { t: "at", at: "beginString" };
    case "\\Z":
      return { t: "at", at: "endString" };
    case "\\b":
      return { t: "at", at: "boundary" };
    case "\\B":
      return { t: "at", at: "nonBoundary" };
  }
  const cat = classCategoryOf(escape);
  return cat ? { t: "in", negate: false, items: [{ t: "cat", cat }] } : undefined;
}

function classCategoryOf(escape: string): Cat | undefined {
  return ({
    "\\d": "digit",
    "\\D": "notdigit",
    "\\s": "space",
    "\\S": "notspace",
    "\\w": "word",
    "\\W": "notword",
  } as Record<string, Cat>)[escape];
}

const ESCAPES: Readonly<Record<string, number>> = {
  "\\a": 7,
  "\\b": 8,
  "\\f": 12,
  "\\n": 10,
  "\\r": 13,
  "\\t": 9,
  "\\v": 11,
  "\\\\": 92,
};

/** `\x`, `\u`, `\U` and `\N` escapes, shared by both escape parsers; undefined when not one. */
function hexEscape(src: Tokenizer, s: State, escape: string): number | undefined {
  const c = escape.slice(1);
  const digits = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
  if (digits > 0) {
    const got = src.getWhile(digits, isHex);
    if (got.length !== digits) throw new PyRegexError(`incomplete escape ${escape}${got}`);
    const cp = parseInt(got, 16);
    if (cp > 0x10ffff) throw new PyRegexError(`bad escape ${escape}${got}`);
    return cp;
  }
  if (c === "N") unsupported(s, "a named character escape (\\N{...})");
  return undefined;
}

function classEscape(src: Tokenizer, s: State, escape: string): ClassItem {
  if (escape in ESCAPES) return { t: "lit", cp: ESCAPES[escape] };
  const cat = classCategoryOf(escape);
  if (cat) return { t: "cat", cat };
  const hex = hexEscape(src, s, escape);
  if (hex !== undefined) return { t: "lit", cp: hex };
  const c = escape.slice(1);
  if (isOct(c)) {
    const more = src.getWhile(2, isOct);
    const v = parseInt(c + more, 8);
    if (v > 0o377) {
      throw new PyRegexError(`octal escape value ${escape}${more} outside of range 0-0o377`);
    }
    return { t: "lit", cp: v };
  }
  if (isDigit(c) || isAsciiLetter(c)) throw new PyRegexError(`bad escape ${escape}`);
  return { t: "lit", cp: c.codePointAt(0)! };
}

function escapeNode(src: Tokenizer, s: State, escape: string): Node {
  const cat = categoryOf(escape);
  if (cat) return cat;
  if (escape in ESCAPES) return { t: "lit", cp: ESCAPES[escape] };
  const hex = hexEscape(src, s, escape);
  if (hex !== undefined) return { t: "lit", cp: hex };
  const c = escape.slice(1);
  if (c === "0") return { t: "lit", cp: parseInt(src.getWhile(2, isOct) || "0", 8) };
  if (isDigit(c)) {
    let text = c;
    if (isDigit(src.next)) {
      text += src.get();
      if (isOct(text[0]) && isOct(text[1]) && isOct(src.next)) {
        text += src.get();
        const v = parseInt(text, 8);
        if (v > 0o377) {
          throw new PyRegexError(`octal escape value \\${text} outside of range 0-0o377`);
        }
        return { t: "lit", cp: v };
      }
    }
    const group = Number(text);
    if (group < groupsOf(s)) {
      if (s.groupWidths[group] === null) throw new PyRegexError("cannot refer to an open group");
      checkLookbehindGroup(s, group);
      unsupported(s, "a backreference");
    }
    throw new PyRegexError(`invalid group reference ${group}`);
  }
  if (isAsciiLetter(c)) throw new PyRegexError(`bad escape ${escape}`);
  return { t: "lit", cp: c.codePointAt(0)! };
}

function checkLookbehindGroup(s: State, gid: number): void {
  if (s.lookbehindGroups !== null) {
    if (!(gid < groupsOf(s) && s.groupWidths[gid] !== null)) {
      throw new PyRegexError("cannot refer to an open group");
    }
    if (gid >= s.lookbehindGroups) {
      throw new PyRegexError("cannot refer to group defined in the same lookbehind subpattern");
    }
  }
}

function parseSub(src: Tokenizer, s: State, verbose: boolean, nested: number): Node[] {
  const items: Node[][] = [];
  for (;;) {
    items.push(parseSeq(src, s, verbose, nested + 1, nested === 0 && items.length === 0));
    if (!src.match("|")) break;
    if (nested === 0) verbose = (s.flags & F_X) !== 0;
  }
  return items.length === 1 ? items[0] : [{ t: "branch", alts: items }];
}

function parseFlags(
  src: Tokenizer,
  s: State,
  first: string,
): { add: number; del: number } | undefined {
  let add = 0, del = 0;
  let char: string | null = first;
  if (char !== "-") {
    for (;;) {
      const flag = FLAGS[char!];
      if (char === "L") {
        throw new PyRegexError("bad inline flags: cannot use 'L' flag with a str pattern");
      }
      add |= flag;
      if ((flag & TYPE_FLAGS) && (add & TYPE_FLAGS) !== flag) {
        throw new PyRegexError("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
      }
      char = src.get();
      if (char === null) throw new PyRegexError("missing -, : or )");
      if (")-:".includes(char) && char.length === 1) break;
      if (!(char in FLAGS)) {
        throw new PyRegexError(isAlpha(char) ? "unknown flag" : "missing -, : or )");
      }
    }
  }
  if (char === ")") {
    s.flags |= add;
    return undefined;
  }
  if (add & GLOBAL_FLAGS) throw new PyRegexError("bad inline flags: cannot turn on global flag");
  if (char === "-") {
    char = src.get();
    if (char === null) throw new PyRegexError("missing flag");
    if (!(char in FLAGS)) throw new PyRegexError(isAlpha(char) ? "unknown flag" : "missing flag");
    for (;;) {
      const flag = FLAGS[char!];
      if (flag & TYPE_FLAGS) {
        throw new PyRegexError("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
      }
      del |= flag;
      char = src.get();
      if (char === null) throw new PyRegexError("missing :");
      if (char === ":") break;
      if (!(char in FLAGS)) throw new PyRegexError(isAlpha(char) ? "unknown flag" : "missing :");
    }
  }
  if (del & GLOBAL_FLAGS) throw new PyRegexError("bad inline flags: cannot turn off global flag");
  if (add & del) throw new PyRegexError("bad inline flags: flag turned on and off");
  return { add, del };
}

function parseClass(src: Tokenizer, s: State): Node {
  const set: ClassItem[] = [];
  const negate = src.match("^");
  for (;;) {
    const tok = src.get();
    if (tok === null) throw new PyRegexError("unterminated character set");
    if (tok === "]" && set.length > 0) break;
    const code1: ClassItem = tok.startsWith("\\")
      ? classEscape(src, s, tok)
      : { t: "lit", cp: tok.codePointAt(0)! };
    if (src.match("-")) {
      const that = src.get();
      if (that === null) throw new PyRegexError("unterminated character set");
      if (that === "]") {
        set.push(code1, { t: "lit", cp: 0x2d });
        break;
      }
      const code2: ClassItem = that.startsWith("\\")
        ? classEscape(src, s, that)
        : { t: "lit", cp: that.codePointAt(0)! };
      if (code1.t !== "lit" || code2.t !== "lit" || code2.cp < code1.cp) {
        throw new PyRegexError(`bad character range ${tok}-${that}`);
      }
      set.push({ t: "range", lo: code1.cp, hi: code2.cp });
    } else {
      set.push(code1);
    }
  }
  if (set.length === 1 && set[0].t === "lit") {
    return negate ? { t: "notlit", cp: set[0].cp } : { t: "lit", cp: set[0].cp };
  }
  return { t: "in", negate, items: set };
}

function parseSeq(
  src: Tokenizer,
  s: State,
  verboseIn: boolean,
  nested: number,
  first: boolean,
): Node[] {
  let verbose = verboseIn;
  const seq: Node[] = [];
  for (;;) {
    const tok = src.next;
    if (tok === null || tok === "|" || tok === ")") break;
    src.get();
    if (verbose) {
      if (WHITESPACE.includes(tok) && tok.length === 1) continue;
      if (tok === "#") {
        for (;;) {
          const c = src.get();
          if (c === null || c === "\n") break;
        }
        continue;
      }
    }
    if (tok.startsWith("\\")) {
      seq.push(escapeNode(src, s, tok));
    } else if (!SPECIAL.includes(tok)) {
      seq.push({ t: "lit", cp: tok.codePointAt(0)! });
    } else if (tok === "[") {
      seq.push(parseClass(src, s));
    } else if ("*+?{".includes(tok)) {
      const here = src.tell();
      let min: number, max: number;
      if (tok === "?") [min, max] = [0, 1];
      else if (tok === "*") [min, max] = [0, MAXREPEAT];
      else if (tok === "+") [min, max] = [1, MAXREPEAT];
      else {
        if (src.next === "}") {
          seq.push({ t: "lit", cp: 0x7b });
          continue;
        }
        [min, max] = [0, MAXREPEAT];
        let lo = "", hi = "";
        while (isDigit(src.next)) lo += src.get();
        if (src.match(",")) {
          while (isDigit(src.next)) hi += src.get();
        } else {
          hi = lo;
        }
        if (!src.match("}")) {
          seq.push({ t: "lit", cp: 0x7b });
          src.seek(here);
          continue;
        }
        if (lo) {
          min = Number(lo);
          if (min >= MAXREPEAT) throw new PyRegexError("the repetition number is too large");
        }
        if (hi) {
          max = Number(hi);
          if (max >= MAXREPEAT) throw new PyRegexError("the repetition number is too large");
          if (max < min) throw new PyRegexError("min repeat greater than max repeat");
        }
      }
      const last = seq[seq.length - 1];
      if (!last || last.t === "at") throw new PyRegexError("nothing to repeat");
      if (last.t === "repeat") throw new PyRegexError("multiple repeat");
      let item: Node[] = [last];
      if (last.t === "group" && last.gid === null && !last.add && !last.del) item = last.body;
      let lazy = false, possessive = false;
      if (src.match("?")) lazy = true;
      else if (src.match("+")) possessive = true;
      seq[seq.length - 1] = { t: "repeat", min, max, lazy, possessive, item };
    } else if (tok === ".") {
      seq.push({ t: "any" });
    } else if (tok === "(") {
      let capture = true;
      let atomic = false;
      let name: string | undefined;
      let add = 0, del = 0;
      if (src.match("?")) {
        const char = src.get();
        if (char === null) throw new PyRegexError("unexpected end of pattern");
        if (char === "P") {
          if (src.match("<")) {
            name = src.getUntil(">", "group name");
            checkGroupName(name);
          } else if (src.match("=")) {
            const ref = src.getUntil(")", "group name");
            checkGroupName(ref);
            const gid = s.groupNames.get(ref);
            if (gid === undefined) throw new PyRegexError(`unknown group name '${ref}'`);
            if (s.groupWidths[gid] === null) {
              throw new PyRegexError("cannot refer to an open group");
            }
            checkLookbehindGroup(s, gid);
            unsupported(s, "a backreference");
          } else {
            const c = src.get();
            if (c === null) throw new PyRegexError("unexpected end of pattern");
            throw new PyRegexError(`unknown extension ?P${c}`);
          }
        } else if (char === ":") {
          capture = false;
        } else if (char === "#") {
          for (;;) {
            if (src.next === null) throw new PyRegexError("missing ), unterminated comment");
            if (src.get() === ")") break;
          }
          continue;
        } else if (char === "=" || char === "!" || char === "<") {
          let kind = char;
          let behind = false;
          let saved: number | null = null;
          if (char === "<") {
            const c = src.get();
            if (c === null) throw new PyRegexError("unexpected end of pattern");
            if (c !== "=" && c !== "!") throw new PyRegexError(`unknown extension ?<${c}`);
            kind = c;
            behind = true;
            saved = s.lookbehindGroups;
            if (saved === null) s.lookbehindGroups = groupsOf(s);
          }
          const body = parseSub(src, s, verbose, nested + 1);
          if (behind && saved === null) s.lookbehindGroups = null;
          if (!src.match(")")) throw new PyRegexError("missing ), unterminated subpattern");
          if (behind) {
            const [lo, hi] = widthOf(body, s);
            if (lo !== hi) throw new PyRegexError("look-behind requires fixed-width pattern");
          }
          seq.push({ t: "assert", behind, negate: kind === "!", body });
          continue;
        } else if (char === "(") {
          unsupported(s, "a conditional group (?(...)...)");
        } else if (char === ">") {
          atomic = true;
          capture = false;
        } else if (char in FLAGS || char === "-") {
          const flags = parseFlags(src, s, char);
          if (flags === undefined) {
            if (!first || seq.length > 0) {
              throw new PyRegexError("global flags not at the start of the expression");
            }
            verbose = (s.flags & F_X) !== 0;
            continue;
          }
          ({ add, del } = flags);
          capture = false;
        } else {
          throw new PyRegexError(`unknown extension ?${char}`);
        }
      }
      let gid: number | null = null;
      if (capture) {
        gid = groupsOf(s);
        s.groupWidths.push(null);
        if (groupsOf(s) > MAXGROUPS) throw new PyRegexError("too many groups");
        if (name !== undefined) {
          const old = s.groupNames.get(name);
          if (old !== undefined) {
            throw new PyRegexError(
              `redefinition of group name '${name}' as group ${gid}; was group ${old}`,
            );
          }
          s.groupNames.set(name, gid);
        }
      }
      const subVerbose = (verbose || (add & F_X) !== 0) && !(del & F_X);
      const body = parseSub(src, s, subVerbose, nested + 1);
      if (!src.match(")")) throw new PyRegexError("missing ), unterminated subpattern");
      if (gid !== null) s.groupWidths[gid] = widthOf(body, s);
      if (atomic) {
        seq.push({ t: "atomic", body });
        continue;
      }
      seq.push({ t: "group", gid, add, del, body });
    } else if (tok === "^") {
      seq.push({ t: "at", at: "begin" });
    } else if (tok === "$") {
      seq.push({ t: "at", at: "end" });
    }
  }
  // Python unpacks plain non-capturing groups once the sequence is read.
  const out: Node[] = [];
  for (const n of seq) {
    if (n.t === "group" && n.gid === null && !n.add && !n.del) out.push(...n.body);
    else out.push(n);
  }
  return out;
}

const MAXWIDTH = 2 ** 64;

/** (min, max) characters a sequence matches, as `SubPattern.getwidth`. */
function widthOf(seq: readonly Node[], s: State): [number, number] {
  let lo = 0, hi = 0;
  for (const n of seq) {
    switch (n.t) {
      case "branch": {
        let i = MAXWIDTH, j = 0;
        for (const alt of n.alts) {
          const [l, h] = widthOf(alt, s);
          i = Math.min(i, l);
          j = Math.max(j, h);
        }
        lo += i;
        hi += j;
        break;
      }
      case "group":
      case "atomic": {
        const [i, j] = widthOf(n.body, s);
        lo += i;
        hi += j;
        break;
      }
      case "repeat": {
        const [i, j] = widthOf(n.item, s);
        lo += i * n.min;
        hi = n.max === MAXREPEAT && j ? MAXWIDTH : hi + j * n.max;
        break;
      }
      case "lit":
      case "notlit":
      case "any":
      case "in":
        lo += 1;
        hi += 1;
        break;
      default:
        break;
    }
  }
  return [Math.min(lo, MAXWIDTH), Math.min(hi, MAXWIDTH)];
}

// ---------------------------------------------------------------------------------------------
// Emitting a JavaScript `v`-mode pattern

const u = (cp: number) =>
  /[A-Za-z0-9]/.test(String.fromCodePoint(cp)) && cp < 0x80
    ? String.fromCodePoint(cp)
    : `\\u{${cp.toString(16)}}`;
// Python's str.isspace(): ASCII whitespace including \x1c-\x1f, plus Unicode separators.
const PY_SPACE =
  "\\u{9}-\\u{d}\\u{1c}-\\u{20}\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200a}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}";
const ASCII_SPACE = "\\u{9}-\\u{d}\\u{20}";
const word = (ascii: boolean) => ascii ? "[A-Za-z0-9_]" : "[\\p{L}\\p{N}_]";
const notWord = (ascii: boolean) => ascii ? "[^A-Za-z0-9_]" : "[^\\p{L}\\p{N}_]";

function catClass(cat: Cat, ascii: boolean): string {
  switch (cat) {
    case "digit":
      return ascii ? "[0-9]" : "[\\p{Nd}]";
    case "notdigit":
      return ascii ? "[^0-9]" : "[^\\p{Nd}]";
    case "space":
      return `[${ascii ? ASCII_SPACE : PY_SPACE}]`;
    case "notspace":
      return `[^${ascii ? ASCII_SPACE : PY_SPACE}]`;
    case "word":
      return word(ascii);
    case "notword":
      return notWord(ascii);
  }
}

interface Scope {
  /** Python's flags here. */
  readonly flags: number;
  /** Inside a lookbehind (matched right to left in JavaScript). */
  readonly behind?: boolean;
  /** Whether JavaScript's `i` is on here (Unicode case folding: Python's IGNORECASE without ASCII). */
  readonly jsI: boolean;
}

/** Python's IGNORECASE with ASCII folds only A-Z/a-z: spelled out, with JavaScript's `i` off. */
const asciiFold = (s: Scope) => (s.flags & F_I) !== 0 && (s.flags & F_A) !== 0;
const isAsciiLetterCp = (cp: number) => (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
const otherCase = (cp: number) => (cp <= 0x5a ? cp + 0x20 : cp - 0x20);

/** The class items a literal or range covers under ASCII-only case folding. */
function foldedItems(lo: number, hi: number): string {
  let out = lo === hi ? u(lo) : `${u(lo)}-${u(hi)}`;
  for (const [a, z] of [[0x41, 0x5a], [0x61, 0x7a]]) {
    const from = Math.max(lo, a), to = Math.min(hi, z);
    if (from <= to) out += `${u(otherCase(from))}-${u(otherCase(to))}`;
  }
  return out;
}

/**
 * An atomic group (or possessive repeat): JavaScript has none, but a lookahead is atomic, so
 * `(?=(X))\N` matches what X first matches and never backtracks into it. Backreferences are
 * refused, so the extra capture group renumbers nothing that matters.
 */
function atomically(scope: Scope, s: State, body: () => string): string {
  if (scope.behind) unsupported(s, "an atomic group or possessive repeat in a lookbehind");
  const n = ++s.jsGroups;
  return `(?=(${body()}))(?:\\${n})`;
}

function emitSeq(seq: readonly Node[], scope: Scope, s: State): string {
  return seq.map((n) => emitNode(n, scope, s)).join("");
}

function emitNode(n: Node, scope: Scope, s: State): string {
  const ascii = (scope.flags & F_A) !== 0;
  const fold = asciiFold(scope);
  switch (n.t) {
    case "lit":
      return fold && isAsciiLetterCp(n.cp) ? `[${foldedItems(n.cp, n.cp)}]` : u(n.cp);
    case "notlit":
      return `[^${fold ? foldedItems(n.cp, n.cp) : u(n.cp)}]`;
    case "any":
      return scope.flags & F_S ? "[\\u{0}-\\u{10ffff}]" : "[^\\u{a}]";
    case "in": {
      const items = n.items.map((it) =>
        it.t === "lit"
          ? (fold ? foldedItems(it.cp, it.cp) : u(it.cp))
          : it.t === "range"
          ? (fold ? foldedItems(it.lo, it.hi) : `${u(it.lo)}-${u(it.hi)}`)
          : catClass(it.cat, ascii)
      ).join("");
      return `[${n.negate ? "^" : ""}${items}]`;
    }
    case "at": {
      const w = word(ascii);
      switch (n.at) {
        case "begin":
          return scope.flags & F_M ? "(?:^|(?<=\\u{a}))" : "^";
        case "end":
          return scope.flags & F_M ? "(?=\\u{a}|$)" : "(?=\\u{a}?$)";
        case "beginString":
          return "^";
        case "endString":
          return "$";
        case "boundary":
          return `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
        case "nonBoundary":
          // Python 3.11's \B never matches the empty string.
          return `(?!^$)(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
      }
      break;
    }
    case "repeat": {
      const max = n.max === MAXREPEAT ? "" : String(n.max);
      const q = n.min === n.max ? `{${n.min}}` : `{${n.min},${max}}`;
      if (!n.possessive) return `(?:${emitSeq(n.item, scope, s)})${q}${n.lazy ? "?" : ""}`;
      return atomically(scope, s, () => `(?:${emitSeq(n.item, scope, s)})${q}`);
    }
    case "atomic":
      return atomically(scope, s, () => emitSeq(n.body, scope, s));
    case "group": {
      const flags = (scope.flags | n.add) & ~n.del;
      const jsI = (flags & F_I) !== 0 && (flags & F_A) === 0;
      const open = n.gid !== null ? (s.jsGroups++, "(") : "(?:";
      const inner = emitSeq(n.body, { flags, jsI, behind: scope.behind }, s);
      const body = jsI === scope.jsI ? inner : `(?${jsI ? "i" : "-i"}:${inner})`;
      return `${open}${body})`;
    }
    case "assert": {
      const inner = emitSeq(n.body, { ...scope, behind: scope.behind || n.behind }, s);
      return `(?${n.behind ? "<" : ""}${n.negate ? "!" : "="}${inner})`;
    }
    case "branch":
      return `(?:${n.alts.map((a) => emitSeq(a, scope, s)).join("|")})`;
  }
  return "";
}

/** A Python pattern compiled for JavaScript. */
export interface PyRegex {
  /** The Python pattern. */
  readonly pattern: string;
  /** True when `re.search(pattern, text)` finds a match. */
  search(text: string): boolean;
}

/**
 * Compiles a Python regular expression (as `re.compile(pattern)` with no flags): throws
 * {@link PyRegexError} when Python rejects it, {@link PyRegexUnsupportedError} when its meaning
 * cannot be reproduced exactly.
 */
export function compilePyRegex(pattern: string): PyRegex {
  const s: State = {
    flags: 0,
    groupNames: new Map(),
    groupWidths: [null],
    lookbehindGroups: null,
    pattern,
    jsGroups: 0,
  };
  const src = new Tokenizer(pattern);
  const tree = parseSub(src, s, false, 0);
  if (src.next !== null) throw new PyRegexError("unbalanced parenthesis");
  if (s.flags & F_T) unsupported(s, "the TEMPLATE flag");
  const jsI = (s.flags & F_I) !== 0 && (s.flags & F_A) === 0;
  const source = emitSeq(tree, { flags: s.flags, jsI }, s);
  let re: RegExp;
  try {
    re = new RegExp(source, jsI ? "iv" : "v");
  } catch {
    unsupported(s, "a construct JavaScript cannot express");
  }
  return { pattern, search: (text) => re.test(text) };
}
