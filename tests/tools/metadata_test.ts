/**
 * Metadata help end to end (packages-read) against moto over HTTP (both eras) and stdio: templates
 * and field lists built from a registry's workflows and JSON Schemas, the check of proposed
 * metadata, package name and message, the metadata://{bucket}/templates resource, and the clear
 * answers for a registry without workflows, a broken config and schemas that cannot be read.
 */
import { assert, assertEquals, assertMatch, seedBucket, startStack } from "../harness/mod.ts";
import { callError, callOk, closeAll, openTransports } from "./helpers_transports.ts";

const REG = "meta-reg";
const BARE = "meta-bare";
const BROKEN = "meta-broken";
const OUTSIDE = "meta-outside";

const CONFIG = `version:
  base: "1"
is_workflow_required: true
default_workflow: rna
workflows:
  rna:
    name: RNA-seq runs
    description: Sequencing runs of the core
    metadata_schema: rna
    is_message_required: true
    handle_pattern: ^rna/
  imaging:
    name: Imaging
    metadata_schema: elsewhere
  free:
    name: Anything goes
schemas:
  rna:
    url: s3://${REG}/.quilt/workflows/rna.schema.json
  elsewhere:
    url: s3://${OUTSIDE}/schemas/imaging.json
`;
const SCHEMA = {
  type: "object",
  required: ["assay", "samples"],
  properties: {
    assay: { type: "string", enum: ["RNA-seq", "scRNA-seq"] },
    samples: { type: "integer", minimum: 1, description: "Number of samples" },
    date: { type: "string", format: "date" },
  },
  additionalProperties: false,
};

interface Templates {
  config_found: boolean;
  is_workflow_required: boolean;
  default_workflow: string | null;
  workflows: Array<{
    id: string;
    is_default: boolean;
    is_message_required: boolean;
    handle_pattern: string | null;
    metadata_schema_problem: string | null;
    fields: Array<{ name: string; required: boolean; allowed: unknown[] | null }>;
    template: Record<string, unknown> | null;
  }>;
}

Deno.test("metadata templates and checks from a registry's workflows", async (t) => {
  await using stack = await startStack({
    categories: ["packages-read"],
    env: { QUILT_MCP_BUCKETS: `${REG},${BARE},${BROKEN}`, QUILT_MCP_RATE_LIMIT_BURST: "1000" },
  });
  await seedBucket(stack.moto, REG, {
    ".quilt/workflows/config.yml": CONFIG,
    ".quilt/workflows/rna.schema.json": JSON.stringify(SCHEMA),
  });
  await seedBucket(stack.moto, BARE, {});
  await seedBucket(stack.moto, BROKEN, { ".quilt/workflows/config.yml": "workflows: &a x\n" });
  await seedBucket(stack.moto, OUTSIDE, { "schemas/imaging.json": "{}" });
  const transports = await openTransports(stack, "meta-user");
  try {
    for (const { name, client } of transports) {
      await t.step(`${name}: templates with fields and placeholders per workflow`, async () => {
        const out = await callOk<Templates>(client, "package_metadata_templates", { bucket: REG });
        assertEquals([out.config_found, out.is_workflow_required, out.default_workflow], [
          true,
          true,
          "rna",
        ]);
        const [rna, imaging, free] = out.workflows;
        assertEquals(rna.template, { assay: "RNA-seq", samples: 1, date: "YYYY-MM-DD" });
        assertEquals(rna.fields.map((f) => [f.name, f.required]), [
          ["assay", true],
          ["samples", true],
          ["date", false],
        ]);
        assertEquals([rna.is_default, rna.is_message_required, rna.handle_pattern], [
          true,
          true,
          "^rna/",
        ]);
        // A schema outside the configured buckets is not read, and says why.
        assertEquals(imaging.template, null);
        assertMatch(imaging.metadata_schema_problem ?? "", /not among the buckets/);
        assertEquals([free.template, free.fields], [{}, []]);
        const only = await callOk<Templates>(client, "package_metadata_templates", {
          bucket: REG,
          workflow: "free",
        });
        assertEquals(only.workflows.map((w) => w.id), ["free"]);
      });

      await t.step(`${name}: metadata, package name and message checked like a push`, async () => {
        const good = await callOk<{ valid: boolean; workflow: string }>(
          client,
          "package_metadata_validate",
          {
            bucket: REG,
            user_meta: { assay: "RNA-seq", samples: 3 },
            package: "rna/run-1",
            message: "first run",
          },
        );
        assertEquals([good.valid, good.workflow], [true, "rna"]);
        const bad = await callOk<{ valid: boolean; violations: unknown[] }>(
          client,
          "package_metadata_validate",
          {
            bucket: REG,
            user_meta: { assay: "WGS", extra: true },
            package: "dna/run-1",
            message: "",
          },
        );
        assertEquals(bad.valid, false);
        // quilt3's rules and messages, in its order; every schema error in jsonschema's order.
        assertEquals(bad.violations, [
          {
            path: "message",
            message: "Commit message is required by workflow, but none was provided.",
          },
          { path: "package", message: "Package name doesn't match required pattern." },
          { path: "", message: "'samples' is a required property" },
          { path: "/assay", message: "'WGS' is not one of ['RNA-seq', 'scRNA-seq']" },
          { path: "", message: "Additional properties are not allowed ('extra' was unexpected)" },
        ]);
        // Without a message the message rule is not checked (nothing to check).
        const noMessage = await callOk<{ valid: boolean }>(client, "package_metadata_validate", {
          bucket: REG,
          user_meta: { assay: "RNA-seq", samples: 3 },
          package: "rna/run-1",
        });
        assertEquals(noMessage.valid, true);
        const free = await callOk<{ valid: boolean; workflow: string }>(
          client,
          "package_metadata_validate",
          { bucket: REG, workflow: "free", user_meta: { anything: 1 } },
        );
        assertEquals([free.valid, free.workflow], [true, "free"]);
      });

      await t.step(
        `${name}: no workflows, a broken config, unknown workflows, other buckets`,
        async () => {
          const bare = await callOk<Templates>(client, "package_metadata_templates", {
            bucket: BARE,
          });
          assertEquals([bare.config_found, bare.workflows], [false, []]);
          const anything = await callOk<{ valid: boolean }>(client, "package_metadata_validate", {
            bucket: BARE,
            user_meta: { x: 1 },
          });
          assertEquals(anything.valid, true);
          assertMatch(
            await callError(client, "package_metadata_templates", { bucket: BROKEN }),
            /config\.yml cannot be used: Workflows config failed validation: 'version' is a required property\./,
          );
          assertMatch(
            await callError(client, "package_metadata_templates", {
              bucket: REG,
              workflow: "nope",
            }),
            /has no workflow 'nope' \(it has: rna, imaging, free\)/,
          );
          assertMatch(
            await callError(client, "package_metadata_validate", {
              bucket: REG,
              workflow: "imaging",
              user_meta: {},
            }),
            /cannot be used: .*not among the buckets/,
          );
          assertMatch(
            await callError(client, "package_metadata_templates", { bucket: OUTSIDE }),
            /not among the buckets/,
          );
        },
      );

      await t.step(`${name}: the metadata://{bucket}/templates resource`, async () => {
        const { resources } = await client.listResources();
        assertEquals(
          resources.map((r) => r.uri).sort(),
          [REG, BARE, BROKEN].map((b) => `metadata://${b}/templates`).sort(),
        );
        const read = await client.readResource({ uri: `metadata://${REG}/templates` }, {
          cacheMode: "bypass",
        });
        const body = JSON.parse((read.contents[0] as { text: string }).text) as Templates;
        assertEquals(body.workflows.map((w) => w.id), ["rna", "imaging", "free"]);
        assert(body.workflows[0].template);
      });
    }
  } finally {
    await closeAll(transports);
  }
});
