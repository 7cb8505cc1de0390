/**
 * Loads the IAM bundle in `policies/` (category map, index, placeholders, templates) and renders it
 * with the example values of `policies/placeholders.json`. The only I/O of the policy tests'
 * pure helpers.
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import {
  composePolicies,
  type Json,
  type PlaceholderSpecs,
  type PlaceholderValues,
  renderTemplate,
} from "../../policies/render.ts";

/** Absolute path of `policies/`. */
export const POLICIES_DIR: string = join(REPO_ROOT, "policies");

/** `policies/categories.json`. */
export interface CategoryMap {
  categories: Record<
    string,
    {
      description: string;
      writes: boolean;
      default: boolean;
      tools: string[];
      resources?: string[];
    }
  >;
}

/**
 * What makes a category's AWS calls: its tools, then its MCP resources (keyed by URI or URI
 * template in policies/categories.json and in tool_calls.ts alike).
 */
export function callersOf(category: CategoryMap["categories"][string]): string[] {
  return [...category.tools, ...(category.resources ?? [])];
}

/** `policies/index.json`. */
export interface PolicyIndex {
  categories: Record<string, { policy: string | null; reason?: string }>;
  unscopable: {
    action: string;
    category: string;
    tools: string[];
    resources?: string[];
    reason: string;
  }[];
  no_permission_required: {
    action: string;
    category: string;
    tools: string[];
    resources?: string[];
    reason: string;
  }[];
  identity: Record<
    string,
    { file: string; kind: "trust" | "identity"; attach_to: string; description: string }
  >;
  samples: Record<
    string,
    { file: string; compose: string[] | null; categories: string[]; description: string }
  >;
}

/** An IAM policy document (loosely typed: the lint checks the shape). */
export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

/** One statement. */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Reads and parses a JSON file under `policies/`. */
export function readPolicyJson<T = Json>(relative: string): T {
  return JSON.parse(Deno.readTextFileSync(join(POLICIES_DIR, relative))) as T;
}

/** The category map. */
export function loadCategories(): CategoryMap {
  return readPolicyJson<CategoryMap>("categories.json");
}

/** The bundle index. */
export function loadIndex(): PolicyIndex {
  return readPolicyJson<PolicyIndex>("index.json");
}

/** The placeholder declarations. */
export function loadPlaceholders(): PlaceholderSpecs {
  return readPolicyJson<{ placeholders: PlaceholderSpecs }>("placeholders.json").placeholders;
}

/** The example values of every placeholder (one customer domain, Acme Genomics). */
export function exampleValues(specs: PlaceholderSpecs = loadPlaceholders()): PlaceholderValues {
  return Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, v.example]));
}

/** Every template file of the bundle (categories, identity, samples), relative to `policies/`. */
export function templateFiles(index: PolicyIndex = loadIndex()): string[] {
  return [
    ...Object.values(index.categories).flatMap((c) => (c.policy ? [c.policy] : [])),
    ...Object.values(index.identity).map((i) => i.file),
    ...Object.values(index.samples).map((s) => s.file),
  ];
}

/** Every `*.json` file under `policies/` except the non-policy ones, relative to `policies/`. */
export function policyFilesOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) walk(join(dir, entry.name), childRel);
      else if (entry.name.endsWith(".json")) out.push(childRel);
    }
  };
  walk(POLICIES_DIR, "");
  const notPolicies = new Set(["categories.json", "index.json", "placeholders.json"]);
  return out.filter((f) => !notPolicies.has(f)).sort();
}

/** Renders one template file with the given values (defaults: the examples). */
export function renderFile(
  relative: string,
  values: PlaceholderValues = exampleValues(),
): PolicyDocument {
  return renderTemplate(
    readPolicyJson(relative),
    loadPlaceholders(),
    values,
  ) as unknown as PolicyDocument;
}

/** The category's template (null for a category that needs no policy). */
export function categoryTemplate(category: string, index: PolicyIndex = loadIndex()): Json | null {
  const file = index.categories[category]?.policy;
  if (file === undefined) throw new Error(`category ${category} is not in policies/index.json`);
  return file === null ? null : readPolicyJson(file);
}

/** The composition a sample declares, built from the category templates. */
export function composeSample(name: string, index: PolicyIndex = loadIndex()): Json {
  const sample = index.samples[name];
  if (!sample?.compose) throw new Error(`sample ${name} is not composed`);
  return composePolicies(
    sample.compose.map((c) => ({ name: c, policy: categoryTemplate(c, index)! })),
  );
}
