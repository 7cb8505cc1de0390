/**
 * Generated Terraform is fresh: the HCL rendering of policies/ (and its terraform test) and the
 * telemetry catalog copy of modules/observability equal what their generators make now.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import { generateAll, readPolicySources, toHcl } from "./gen_policies.ts";
import { generateCatalogHcl, GENERATED_CATALOG } from "./gen_catalog.ts";

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

Deno.test("category_policies.tf and tests/policies.tftest.hcl match policies/", async () => {
  for (const [path, text] of Object.entries(await generateAll())) {
    const current = Deno.readTextFileSync(join(REPO_ROOT, path));
    assert(current === text, `${path} is stale: run deno run -A tests/terraform/gen_policies.ts`);
  }
});

Deno.test("modules/observability/catalog.tf matches server/telemetry/catalog.json", async () => {
  const current = Deno.readTextFileSync(join(REPO_ROOT, GENERATED_CATALOG));
  assert(
    current === await generateCatalogHcl(),
    `${GENERATED_CATALOG} is stale: run deno run -A tests/terraform/gen_catalog.ts`,
  );
});

Deno.test("every category with a policy is rendered, every other has a reason", () => {
  const src = readPolicySources();
  const map = JSON.parse(Deno.readTextFileSync(join(REPO_ROOT, "policies", "categories.json")));
  for (const c of Object.keys(map.categories)) {
    assert(
      c in src.categories || c in src.noPolicy,
      `category ${c} has neither a policy nor a reason`,
    );
  }
  const hcl = Deno.readTextFileSync(
    join(REPO_ROOT, "modules", "mcp-server", "category_policies.tf"),
  );
  for (const c of Object.keys(src.categories)) {
    assert(hcl.includes(`"${c}" = {`), `category ${c} is missing from category_policies.tf`);
  }
});

Deno.test("toHcl: list placeholders expand, IAM variables stay literal", () => {
  const specs = {
    bucket: { type: "list", description: "", example: ["a"] },
    partition: { type: "string", description: "", example: "aws" },
  } as const;
  const hcl = toHcl(
    ["arn:${partition}:s3:::${bucket}/home/${aws:PrincipalTag/QuiltMcpSubject}/*", "fixed"],
    specs,
    "local.v",
  );
  assert(
    hcl.includes(
      '[for v in local.v.bucket : "arn:${local.v.partition}:s3:::${v}/home/$${aws:PrincipalTag/QuiltMcpSubject}/*"]',
    ),
    hcl,
  );
  assert(hcl.startsWith("flatten(["), hcl);
  let threw = false;
  try {
    toHcl({ Resource: "${bucket}" }, specs, "local.v");
  } catch {
    threw = true;
  }
  assert(threw, "a list placeholder outside an array element must be refused");
});
