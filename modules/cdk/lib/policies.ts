/**
 * The IAM templates of `policies/` and what each needs to render, shared by the CDK construct and
 * the CloudFormation generator. Templates are imported as JSON modules (no file system access), so
 * the construct bundles and runs under Node as under Deno.
 * @module
 */
import index from "../../../policies/index.json" with { type: "json" };
import placeholders from "../../../policies/placeholders.json" with {
  type: "json",
};
import athena from "../../../policies/athena.json" with { type: "json" };
import governance from "../../../policies/governance.json" with {
  type: "json",
};
import packagesRead from "../../../policies/packages-read.json" with {
  type: "json",
};
import packagesWrite from "../../../policies/packages-write.json" with {
  type: "json",
};
import s3Read from "../../../policies/s3-read.json" with { type: "json" };
import s3Write from "../../../policies/s3-write.json" with { type: "json" };
import search from "../../../policies/search.json" with { type: "json" };
import dataRoleTrust from "../../../policies/trust/data-role-trust.json" with {
  type: "json",
};
import ecsTasksTrust from "../../../policies/trust/ecs-tasks-trust.json" with {
  type: "json",
};
import taskRoleAssume from "../../../policies/trust/task-role-assume.json" with {
  type: "json",
};
import { findPlaceholders, type Json, type PlaceholderSpecs } from "../../../policies/render.ts";

/** Policy files by their path relative to `policies/` (as `index.json` names them). */
export const POLICY_FILES: Readonly<Record<string, Json>> = {
  "athena.json": athena as Json,
  "governance.json": governance as Json,
  "packages-read.json": packagesRead as Json,
  "packages-write.json": packagesWrite as Json,
  "s3-read.json": s3Read as Json,
  "s3-write.json": s3Write as Json,
  "search.json": search as Json,
  "trust/data-role-trust.json": dataRoleTrust as Json,
  "trust/ecs-tasks-trust.json": ecsTasksTrust as Json,
  "trust/task-role-assume.json": taskRoleAssume as Json,
};

/** The placeholder specs of `policies/placeholders.json`. */
export const PLACEHOLDER_SPECS: PlaceholderSpecs = placeholders
  .placeholders as PlaceholderSpecs;

/** Every category of `policies/index.json`, in its order. */
export const CATEGORIES: readonly string[] = Object.keys(index.categories);

/** Category → its policy template, for the categories that have one (`catalog` has none). */
export const CATEGORY_TEMPLATES: Readonly<Record<string, Json>> = Object
  .fromEntries(
    Object.entries(
      index.categories as Record<string, { policy: string | null }>,
    )
      .filter(([, c]) => c.policy !== null)
      .map(([name, c]) => [name, templateFile(c.policy as string)]),
  );

/** The trust and identity templates by their `index.json` identity name. */
export const IDENTITY_TEMPLATES: Readonly<Record<string, Json>> = Object
  .fromEntries(
    Object.entries(index.identity as Record<string, { file: string }>).map((
      [name, entry],
    ) => [name, templateFile(entry.file)]),
  );

function templateFile(path: string): Json {
  const template = POLICY_FILES[path];
  if (template === undefined) {
    throw new Error(
      `policies/${path} is named in policies/index.json but not imported here`,
    );
  }
  return template;
}

/**
 * Inputs a category needs before it can render: list placeholders that must be non-empty and
 * the Athena result location. Mirrors the Terraform module (policies.tf).
 */
export function categoryNeeds(
  category: string,
): { lists: string[]; athenaResults: boolean } {
  const used = findPlaceholders(CATEGORY_TEMPLATES[category]);
  return {
    lists: used.filter((p) => PLACEHOLDER_SPECS[p].type === "list"),
    athenaResults: used.some((p) => p.startsWith("athena_results_")),
  };
}

/** The parameter (CDK prop) that feeds a list placeholder; `self_role_arn` depends on the mode. */
export const LIST_PLACEHOLDER_PROPS: Readonly<Record<string, string>> = {
  bucket: "buckets",
  glue_database: "glueDatabases",
  data_role_arn: "allowedRoleArns",
  self_role_arn: "allowedRoleArns",
  session_tag_key: "sessionTagClaims",
};

/**
 * Enabled categories whose inputs are missing, in the order given: a list placeholder without
 * values, or the Athena result location unset. `self_role_arn` is never missing in single-tenant
 * mode (the task role itself).
 */
export function unrenderableCategories(
  p: Readonly<Record<string, unknown>>,
): string[] {
  const lists: Record<string, readonly string[]> = {
    bucket: (p.buckets as string[] | undefined) ?? [],
    glue_database: (p.glueDatabases as string[] | undefined) ?? [],
    data_role_arn: (p.allowedRoleArns as string[] | undefined) ?? [],
    self_role_arn: p.roleMode === "single-tenant"
      ? ["task"]
      : (p.allowedRoleArns as string[] | undefined) ?? [],
    session_tag_key: [],
  };
  const out: string[] = [];
  for (const c of (p.toolCategories as string[] | undefined) ?? []) {
    if (!(c in CATEGORY_TEMPLATES)) continue;
    const needs = categoryNeeds(c);
    const missingList = needs.lists.some((l) => (lists[l] ?? []).length === 0);
    const missingAthena = needs.athenaResults &&
      p.athenaOutputLocation === undefined;
    if (missingList || missingAthena) out.push(c);
  }
  return out;
}

/**
 * Splits an `s3://bucket/prefix` location into the Athena policy's result bucket and prefix,
 * the prefix ending in `/` unless empty (policies.tf does the same).
 */
export function athenaResults(
  location: string,
): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (m === null) throw new Error(`not an s3:// location: ${location}`);
  const prefix = m[2] === "" || m[2].endsWith("/") ? m[2] : `${m[2]}/`;
  return { bucket: m[1], prefix };
}

/** Session tag keys of `TagKey=claim` entries. */
export function sessionTagKeys(claims: readonly string[]): string[] {
  return claims.map((c) => c.slice(0, c.indexOf("=")));
}
