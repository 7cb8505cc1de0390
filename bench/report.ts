/** The pieces bench/RESULTS.md is assembled from: sections, tables and target verdicts. @module */

/** A measured figure against its target. */
export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly ok: boolean;
}

/** One section of the results. */
export interface Section {
  readonly title: string;
  /** Markdown body (tables, notes). */
  readonly body: string;
  readonly verdicts: Verdict[];
  /** Seconds the section took. */
  elapsedS?: number;
}

/** A Markdown table. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A fenced block (commands, JSON). */
export function code(text: string, lang = ""): string {
  return "```" + lang + "\n" + text + "\n```";
}

/** Collects verdicts while a section is built. */
export class Verdicts {
  readonly list: Verdict[] = [];
  /** Records a target check and returns its PASS/MISS label. */
  check(target: string, measured: string, ok: boolean): string {
    this.list.push({ target, measured, ok });
    return ok ? "**PASS**" : "**MISS**";
  }
}
