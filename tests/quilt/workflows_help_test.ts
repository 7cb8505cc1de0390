/**
 * The workflows module as the metadata help uses it: a configuration's keys and quilt3's defaults,
 * a metadata template and field list built from a workflow's JSON Schema, every violation of
 * proposed metadata in jsonschema's order with its path, and YAML read as PyYAML reads it (the
 * loader shared by the write tools, the metadata help and the Tabulator tools).
 */
import { PYTHON } from "../harness/paths.ts";
import {
  encodeCanonicalJson,
  fromJs,
  type JsonValue,
  loadedYamlToJs,
  metadataTemplate,
  parseJson,
  pyYamlSafeLoad,
  schemaFields,
  toJs,
  WorkflowError,
  WorkflowsConfig,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertThrows } from "./helpers.ts";

const enc = new TextEncoder();

function configOf(text: string): WorkflowsConfig {
  return WorkflowsConfig.parse({
    bytes: enc.encode(text),
    physicalKey: { scheme: "s3", bucket: "reg", key: ".quilt/workflows/config.yml" },
  });
}

/** What PyYAML (quilt3's reader) makes of each text: a value, or null when it raises. */
async function pyyaml(texts: string[]): Promise<(JsonValue | undefined)[]> {
  const child = new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import json, sys, yaml
for t in json.load(sys.stdin):
    try:
        print(json.dumps({"v": yaml.safe_load(t)}))
    except yaml.YAMLError:
        print(json.dumps({}))`,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(enc.encode(JSON.stringify(texts)));
  await w.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
    (parseJson(l) as Map<string, JsonValue>).get("v")
  );
}

const SCHEMA_JS = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: ["assay", "samples"],
  properties: {
    assay: { type: "string", enum: ["RNA-seq", "ATAC-seq"], description: "Assay type" },
    samples: { type: "integer", minimum: 1 },
    date: { type: "string", format: "date" },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" }, uniqueItems: true },
    lab: { type: "object", required: ["pi"], properties: { pi: { type: "string", default: "X" } } },
  },
  additionalProperties: false,
};
const SCHEMA = fromJs(SCHEMA_JS);

Deno.test("workflows: quilt3's config keys, defaults and schema URLs", () => {
  const config = configOf(`version: "1"
default_workflow: rna
workflows:
  rna:
    name: RNA runs
    metadata_schema: rna
    is_message_required: true
    handle_pattern: ^rna/
  free:
    name: Anything
schemas:
  rna:
    url: s3://reg/.quilt/workflows/rna.json
`);
  assertEquals(config.isWorkflowRequired, true, "quilt3 requires a workflow unless told otherwise");
  assertEquals(config.defaultWorkflow, "rna");
  assertEquals(
    config.workflows().map((w) => [w.id, w.name, w.metadataSchemaId, w.isMessageRequired]),
    [["rna", "RNA runs", "rna", true], ["free", "Anything", null, false]],
  );
  assertEquals(config.workflows()[0].handlePattern, "^rna/");
  assertEquals(config.schemaUrl("rna"), "s3://reg/.quilt/workflows/rna.json");
  assertEquals(config.schemaUrl("nope"), undefined);
  const optional = configOf(`version: "1"
is_workflow_required: false
workflows:
  a:
    name: A
`);
  assertEquals([optional.isWorkflowRequired, optional.defaultWorkflow], [false, undefined]);
  // Configurations quilt3 refuses are refused with its ConfigurationError.
  for (const text of ["workflows: 3\n", 'version: "1"\nworkflows: {}\nextra: 1\n', "a: [\n"]) {
    const e = assertThrows(() => configOf(text), WorkflowError);
    assertEquals(e.kind, "ConfigurationError", text);
  }
});

Deno.test("workflows: a template lists required fields first with usable placeholders", () => {
  const template = toJs(metadataTemplate(SCHEMA)) as Record<string, unknown>;
  assertEquals(Object.keys(template), ["assay", "samples", "date", "tags", "lab"]);
  assertEquals(template, {
    assay: "RNA-seq",
    samples: 1,
    date: "YYYY-MM-DD",
    tags: [""],
    lab: { pi: "X" },
  });
  assertEquals(schemaFields(SCHEMA)[0], {
    name: "assay",
    required: true,
    type: "string",
    description: "Assay type",
    allowed: ["RNA-seq", "ATAC-seq"],
    pattern: null,
    format: null,
  });
  assertEquals(schemaFields(SCHEMA).map((f) => [f.name, f.required, f.pattern, f.format]), [
    ["assay", true, null, null],
    ["samples", true, null, null],
    ["date", false, null, "date"],
    ["tags", false, null, null],
    ["lab", false, null, null],
  ]);
});

Deno.test("workflows: every violation of proposed metadata, in jsonschema's order, with paths", async () => {
  const config = configOf(`version: "1"
workflows:
  w:
    name: W
    metadata_schema: s
    handle_pattern: ^rna/
    is_message_required: true
schemas:
  s:
    url: s3://reg/s.json
`);
  const rules = await config.select(
    "w",
    (location) =>
      Promise.resolve({ bytes: enc.encode(JSON.stringify(SCHEMA_JS)), physicalKey: location }),
  );
  // jsonschema evaluates keywords in the schema's own order.
  const ok = fromJs({ assay: "RNA-seq", samples: 3, tags: ["a"], lab: { pi: "Y" } });
  assertEquals([...rules.violations({ packageName: "rna/x", message: "m", userMeta: ok })], []);
  const bad = fromJs({ assay: "WGS", samples: 0, tags: ["A", "A"], lab: {}, extra: 1 });
  const found = [...rules.violations({ packageName: "dna/x", message: "", userMeta: bad }, 50)];
  assertEquals(found.map((v) => [v.rule, v.schemaError?.path ?? null, v.message]), [
    ["message", null, "Commit message is required by workflow, but none was provided."],
    ["package_name", null, "Package name doesn't match required pattern."],
    [
      "metadata",
      ["assay"],
      "Metadata failed validation: 'WGS' is not one of ['RNA-seq', 'ATAC-seq'].",
    ],
    ["metadata", ["samples"], "Metadata failed validation: 0 is less than the minimum of 1."],
    ["metadata", ["tags", 0], "Metadata failed validation: 'A' does not match '^[a-z]+$'."],
    ["metadata", ["tags", 1], "Metadata failed validation: 'A' does not match '^[a-z]+$'."],
    ["metadata", ["tags"], "Metadata failed validation: ['A', 'A'] has non-unique elements."],
    ["metadata", ["lab"], "Metadata failed validation: 'pi' is a required property."],
    [
      "metadata",
      [],
      "Metadata failed validation: Additional properties are not allowed ('extra' was unexpected).",
    ],
  ]);
  // The first is what a push reports (quilt3 stops at the first failure).
  const e = assertThrows(
    () => rules.validate({ packageName: "dna/x", message: "", userMeta: bad, entries: [] }),
    WorkflowError,
  );
  assertEquals(e.message, found[0].message);
  // A cap on the errors listed per schema.
  assertEquals(
    [...rules.violations({ packageName: "rna/x", message: "m", userMeta: bad }, 2)].length,
    2,
  );
});

Deno.test("workflows: YAML reads as PyYAML reads it, including what a hand-written parser refused", async () => {
  const texts = [
    `# Quilt workflows
version:
  base: "1"
  catalog: '1'
is_workflow_required: False
default_workflow: alpha   # used when none is given
workflows:
  alpha:
    name: Search for aliens
    handle_pattern: ^(employee1|employee2)/(staging|production)$
  beta:
    name: "Quoted: with colon # and hash"
    tags: [a, "b, c", 3]
list:
- name: x
-   plain
empty:
nothing: ~
number: -1.5e+3
exponent_without_sign: 1.5e3
octal: 0755
yes_no: [yes, No, on, OFF]
escaped: "tab\\there \\u00e9 \\\\."
single: 'it''s'
`,
    "a: &x 1\nb: *x\n",
    "a: |\n  text\n",
    "a: {b: 1}\n",
    "a: 1\na: 2\n",
    "a: 1\n---\nb: 2\n",
    'a: "open\n',
    "a:\n  b: 1\n c: 2\n",
  ];
  const theirs = await pyyaml(texts);
  texts.forEach((text, i) => {
    let ours: JsonValue | undefined;
    try {
      ours = pyYamlSafeLoad(text);
    } catch {
      ours = undefined;
    }
    assertEquals(
      ours === undefined ? "refused" : encodeCanonicalJson(ours),
      theirs[i] === undefined ? "refused" : encodeCanonicalJson(theirs[i]!),
      text,
    );
  });
  assertEquals(loadedYamlToJs(pyYamlSafeLoad(texts[0])), {
    version: { base: "1", catalog: "1" },
    is_workflow_required: false,
    default_workflow: "alpha",
    workflows: {
      alpha: {
        name: "Search for aliens",
        handle_pattern: "^(employee1|employee2)/(staging|production)$",
      },
      beta: { name: "Quoted: with colon # and hash", tags: ["a", "b, c", 3] },
    },
    list: [{ name: "x" }, "plain"],
    empty: null,
    nothing: null,
    number: -1500,
    exponent_without_sign: "1.5e3",
    octal: 493,
    yes_no: [true, false, true, false],
    escaped: "tab\there é \\.",
    single: "it's",
  });
  // Values JSON lacks (dates) are shown as Python shows them.
  assertEquals(loadedYamlToJs(pyYamlSafeLoad("d: 2021-01-02\n")), {
    d: "datetime.date(2021, 1, 2)",
  });
});
