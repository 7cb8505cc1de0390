/**
 * Workflows as quilt3 reads them, metadata templates built from their JSON Schemas, and the
 * check of proposed metadata (violations with JSON Pointer paths; unevaluated keywords listed).
 */
import { assertEquals, assertMatch } from "../harness/mod.ts";
import {
  metadataTemplate,
  parseWorkflowsConfig,
  schemaFields,
  validateAgainstSchema,
  WorkflowsConfigError,
} from "../../server/quilt/workflows.ts";

const SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: ["assay", "samples"],
  properties: {
    assay: { type: "string", enum: ["RNA-seq", "ATAC-seq"], description: "Assay type" },
    samples: { type: "integer", minimum: 1 },
    date: { type: "string", format: "date" },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" }, uniqueItems: true },
    lab: { $ref: "#/definitions/lab" },
  },
  additionalProperties: false,
  definitions: {
    lab: {
      type: "object",
      required: ["pi"],
      properties: { pi: { type: "string", default: "Dr. X" } },
    },
  },
};

Deno.test("workflows: quilt3's config keys, defaults and references", () => {
  const config = parseWorkflowsConfig(`version: "1"
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
  assertEquals(config.workflows.map((w) => [w.id, w.metadataSchemaId, w.isMessageRequired]), [
    ["rna", "rna", true],
    ["free", null, false],
  ]);
  assertEquals(config.schemas, { rna: "s3://reg/.quilt/workflows/rna.json" });
  for (
    const [text, pattern] of [
      ["workflows: 3\n", /no 'workflows' mapping/],
      ["workflows:\n  a:\n    metadata_schema: x\n", /names schema 'x'/],
      ["default_workflow: z\nworkflows:\n  a:\n    name: A\n", /default_workflow 'z'/],
    ] as const
  ) {
    let message = "";
    try {
      parseWorkflowsConfig(text);
    } catch (e) {
      if (!(e instanceof WorkflowsConfigError)) throw e;
      message = e.message;
    }
    assertMatch(message, pattern);
  }
});

Deno.test("workflows: a template lists required fields first with usable placeholders", () => {
  const template = metadataTemplate(SCHEMA);
  assertEquals(Object.keys(template), ["assay", "samples", "date", "tags", "lab"]);
  assertEquals(template, {
    assay: "RNA-seq",
    samples: 1,
    date: "YYYY-MM-DD",
    tags: [""],
    lab: { pi: "Dr. X" },
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
});

Deno.test("workflows: metadata is checked with JSON Pointer paths", () => {
  const ok = { assay: "RNA-seq", samples: 3, date: "2026-01-02", tags: ["a"], lab: { pi: "Y" } };
  assertEquals(validateAgainstSchema(SCHEMA, ok), { violations: [], notChecked: [] });
  const bad = { assay: "WGS", samples: 0, date: "Jan 2", tags: ["A", "A"], lab: {}, extra: 1 };
  assertEquals(validateAgainstSchema(SCHEMA, bad).violations, [
    { path: "/assay", message: 'must be one of ["RNA-seq","ATAC-seq"]' },
    { path: "/samples", message: "must be ≥ 1" },
    { path: "/date", message: "must be a date" },
    { path: "/tags", message: "items must be unique" },
    { path: "/tags/0", message: "must match the pattern ^[a-z]+$" },
    { path: "/tags/1", message: "must match the pattern ^[a-z]+$" },
    { path: "/lab", message: "is missing the required property 'pi'" },
    { path: "/extra", message: "'extra' is not an allowed property" },
  ]);
  assertEquals(validateAgainstSchema(SCHEMA, {}).violations.map((v) => v.message), [
    "is missing the required property 'assay'",
    "is missing the required property 'samples'",
  ]);
  // Keywords outside the checked set are named, never silently passed.
  assertEquals(
    validateAgainstSchema({ type: "object", if: {}, then: {}, dependencies: {} }, {}).notChecked,
    ["dependencies", "if", "then"],
  );
});
