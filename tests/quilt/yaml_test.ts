/**
 * The YAML subset of the Quilt format (workflows config, Tabulator table configs): parsed like a
 * YAML library would for every construct those files use, refused with the line for anything else,
 * and written back so it reads identically.
 */
import { assertEquals, assertMatch, PYTHON } from "../harness/mod.ts";
import { parseYaml, stringifyYaml, YamlError } from "../../server/quilt/mod.ts";

/** What PyYAML (quilt3's own YAML reader) makes of a text. */
async function pyyaml(text: string): Promise<unknown> {
  const child = new Deno.Command(PYTHON, {
    args: ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  return JSON.parse(new TextDecoder().decode((await child.output()).stdout));
}

const WORKFLOWS_TEXT = `# Quilt workflows
version:
  base: "1"
  catalog: '1'
is_workflow_required: False
default_workflow: alpha   # used when none is given
workflows:
  alpha:
    name: Search for aliens
    is_message_required: true
    handle_pattern: ^(employee1|employee2)/(staging|production)$
    metadata_schema: top-secret
  beta:
    name: "Quoted: with colon # and hash"
    tags: [a, "b, c", 3]
schemas:
  top-secret:
    url: s3://bucket/.quilt/workflows/top-secret.json
list:
- name: x
  type: STRING
- name: y
  type: INT
-   plain
empty:
nothing: ~
number: -1.5e+3
exponent_without_sign: 1.5e3
octal: 0755
yes_no: [yes, No, on, OFF]
escaped: "tab\\there \\u00e9 \\\\."
single: 'it''s'
`;

Deno.test("yaml: a quilt3 workflows config (comments, nesting, quoting, flow lists, lists of mappings)", async () => {
  const text = WORKFLOWS_TEXT;
  // PyYAML, which quilt3 uses, reads the same values.
  assertEquals(parseYaml(text), await pyyaml(text));
  assertEquals(parseYaml(text), {
    version: { base: "1", catalog: "1" },
    is_workflow_required: false,
    default_workflow: "alpha",
    workflows: {
      alpha: {
        name: "Search for aliens",
        is_message_required: true,
        handle_pattern: "^(employee1|employee2)/(staging|production)$",
        metadata_schema: "top-secret",
      },
      beta: { name: "Quoted: with colon # and hash", tags: ["a", "b, c", 3] },
    },
    schemas: { "top-secret": { url: "s3://bucket/.quilt/workflows/top-secret.json" } },
    list: [{ name: "x", type: "STRING" }, { name: "y", type: "INT" }, "plain"],
    empty: null,
    nothing: null,
    number: -1500,
    exponent_without_sign: "1.5e3",
    octal: 493,
    yes_no: [true, false, true, false],
    escaped: "tab\there é \\.",
    single: "it's",
  });
});

Deno.test("yaml: a sequence at its key's indentation and a Tabulator config", () => {
  assertEquals(
    parseYaml(`schema:
- name: name
  type: STRING
source:
  type: quilt-packages
  package_name: "^ccle/(?<date>[^_]+)$"
  logical_key: "salmon/.*\\\\.sf$"
parser:
  format: csv
  delimiter: "\\t"
  header: true
`),
    {
      schema: [{ name: "name", type: "STRING" }],
      source: {
        type: "quilt-packages",
        package_name: "^ccle/(?<date>[^_]+)$",
        logical_key: "salmon/.*\\.sf$",
      },
      parser: { format: "csv", delimiter: "\t", header: true },
    },
  );
});

Deno.test("yaml: constructs outside the subset are refused with their line", () => {
  for (
    const [text, pattern] of [
      ["a: &x 1\nb: *x\n", /line 1: unsupported YAML construct '&'/],
      ["a: |\n  text\n", /line 1: unsupported YAML construct '\|'/],
      ["a: {b: 1}\n", /unsupported YAML construct '\{'/],
      ["a: 1\n---\nb: 2\n", /line 2: several documents/],
      ["a: 1\na: 2\n", /line 2: duplicate key 'a'/],
      ['a: "open\n', /line 1: unterminated/],
      ["a:\n  b: 1\n c: 2\n", /line 3: unexpected indentation/],
    ] as const
  ) {
    let message = "";
    try {
      parseYaml(text);
    } catch (e) {
      if (!(e instanceof YamlError)) throw e;
      message = e.message;
    }
    assertMatch(message, pattern, text);
  }
});

Deno.test("yaml: what is written reads back identically (here and in PyYAML)", async () => {
  const value = {
    schema: [{ name: "a", type: "STRING" }, { name: "b b", type: "INT" }],
    source: { type: "quilt-packages", package_name: '^x/"y"$', logical_key: "a\\.csv$" },
    parser: { format: "csv", delimiter: "\t", header: true, skip_rows: 2 },
    empty: [],
    none: null,
  };
  const text = stringifyYaml(value);
  assertEquals(parseYaml(text), value);
  assertEquals(await pyyaml(text), value);
});
