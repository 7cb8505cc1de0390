/**
 * YAML written for PyYAML readers (Tabulator table configurations sent to the registry): for
 * seeded random values — keys and strings with quotes, backslashes, control characters, line
 * breaks of every kind, non-characters, astral and lone-surrogate code points; big integers;
 * floats of every magnitude; nested and empty collections — PyYAML's safe_load and this server's
 * loader both read the text back as the value written. A Tabulator configuration as the catalog
 * stores it reads the same in both loaders.
 */
import { PYTHON } from "../harness/paths.ts";
import {
  dumpYaml,
  encodeCanonicalJson,
  fromJs,
  type JsonValue,
  parseJson,
  pyYamlSafeLoad,
  YamlDumpError,
  type YamlValue,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertThrows, Rng } from "./helpers.ts";

/** What PyYAML makes of each text (json.dumps, read with our parser so numbers stay exact). */
async function pyyaml(texts: string[]): Promise<JsonValue[]> {
  const child = new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import json, sys, yaml\nfor t in json.load(sys.stdin): print(json.dumps(yaml.safe_load(t)))",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(texts)));
  await w.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => parseJson(l));
}

const NASTY = [
  '"',
  "\\",
  "'",
  "#",
  ": ",
  "- ",
  "\n",
  "\r\n",
  "\t",
  "\0",
  "\x7f",
  "\x85",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\ufffe",
  "é",
  "日本",
  "\u{1F600}",
  "\ud800",
  "yes",
  "null",
  "1e3",
  "0o7",
  "~",
  "2021-01-01",
  " ",
  "",
];

function randomString(rng: Rng): string {
  let s = "";
  const n = rng.int(4);
  for (let i = 0; i < n; i++) s += rng.next() < 0.6 ? rng.pick(NASTY) : "ab";
  return s;
}

function randomValue(rng: Rng, depth: number): YamlValue {
  const r = rng.next();
  if (depth > 0 && r < 0.2) {
    return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth - 1));
  }
  if (depth > 0 && r < 0.4) {
    const o: Record<string, YamlValue> = {};
    for (let i = rng.int(4); i > 0; i--) o[randomString(rng)] = randomValue(rng, depth - 1);
    return o;
  }
  if (r < 0.5) return null;
  if (r < 0.55) return rng.next() < 0.5;
  if (r < 0.65) return rng.int(2_000_000) - 1_000_000;
  if (r < 0.7) return BigInt(rng.int(1000)) * 10n ** 20n;
  if (r < 0.8) {
    // A JavaScript number cannot say whether a huge whole value is an int or a float: big
    // integers are given as bigints.
    const x = (rng.next() - 0.5) * 10 ** (rng.int(60) - 30);
    return Number.isInteger(x) && !Number.isSafeInteger(x) ? BigInt(x) : x;
  }
  return randomString(rng);
}

/** The value as JSON text with Python's number spelling (what both loaders must give back). */
function canonical(v: YamlValue): string {
  return encodeCanonicalJson(fromJs(v));
}

Deno.test("yaml dump: 400 seeded values read back unchanged by PyYAML and by our loader", async () => {
  const rng = new Rng(1401);
  const values = Array.from({ length: 400 }, () => randomValue(rng, 3));
  const texts = values.map(dumpYaml);
  const theirs = await pyyaml(texts);
  values.forEach((v, i) => {
    const want = canonical(v);
    assertEquals(encodeCanonicalJson(pyYamlSafeLoad(texts[i])), want, texts[i]);
    assertEquals(encodeCanonicalJson(theirs[i]), want, `PyYAML: ${texts[i]}`);
  });
});

Deno.test("yaml dump: a Tabulator configuration, block style, strings quoted", async () => {
  const config: YamlValue = {
    schema: [{ name: "sample", type: "STRING" }, { name: "reads", type: "BIGINT" }],
    source: {
      type: "quilt-packages",
      package_name: '^lab/(?<run>[^/]+)$"',
      logical_key: "counts/.*\\.csv$",
    },
    parser: { format: "csv", delimiter: "\t", header: true, skip_rows: 2 },
    empty: [],
    none: null,
  };
  const text = dumpYaml(config);
  assertEquals(
    text,
    `"schema":
  - "name": "sample"
    "type": "STRING"
  - "name": "reads"
    "type": "BIGINT"
"source":
  "type": "quilt-packages"
  "package_name": "^lab/(?<run>[^/]+)$\\""
  "logical_key": "counts/.*\\\\.csv$"
"parser":
  "format": "csv"
  "delimiter": "\\t"
  "header": true
  "skip_rows": 2
"empty": []
"none": null
`,
  );
  const [theirs] = await pyyaml([text]);
  assertEquals(encodeCanonicalJson(theirs), canonical(config));
  assertEquals(encodeCanonicalJson(pyYamlSafeLoad(text)), canonical(config));
});

Deno.test("yaml load: a Tabulator configuration as written by hand reads as PyYAML reads it", async () => {
  const text = `schema:
- name: name
  type: STRING
source:
  type: quilt-packages
  package_name: "^ccle/(?<date>[^_]+)$"
  logical_key: "salmon/.*\\\\.sf$"
parser:
  format: csv
  delimiter: "\\t"
  header: yes
  skip_rows: 010
`;
  const [theirs] = await pyyaml([text]);
  assertEquals(encodeCanonicalJson(pyYamlSafeLoad(text)), encodeCanonicalJson(theirs));
  // YAML 1.1 as PyYAML reads it: `yes` is true, `010` is octal.
  assertEquals(
    encodeCanonicalJson(theirs),
    canonical({
      schema: [{ name: "name", type: "STRING" }],
      source: {
        type: "quilt-packages",
        package_name: "^ccle/(?<date>[^_]+)$",
        logical_key: "salmon/.*\\.sf$",
      },
      parser: { format: "csv", delimiter: "\t", header: true, skip_rows: 8 },
    }),
  );
});

Deno.test("yaml dump: values PyYAML could not read back are refused", () => {
  for (const bad of [NaN, Infinity, 2 ** 60]) {
    assertThrows(() => dumpYaml({ x: bad }), YamlDumpError);
  }
  assertThrows(() => dumpYaml({ x: new Date(0) as unknown as YamlValue }), YamlDumpError);
});
