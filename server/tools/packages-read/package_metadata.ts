/**
 * Metadata help from a registry's workflows (`.quilt/workflows/config.yml` and the JSON Schemas it
 * names): which workflows exist, a metadata template and field list per workflow, and a check of
 * proposed metadata, package name and message against a workflow — so an assistant proposes
 * metadata that will pass. The configuration and rules are quilt3's, evaluated by the same module
 * the write tools enforce them with (server/quilt/workflows/); schemas are read from S3 (`s3://`
 * URLs in the configured buckets, current versions). Enforcing workflows is the write tools' job.
 * @module
 */
import * as z from "zod";
import {
  fromJs,
  metadataTemplate,
  PyRegexUnsupportedError,
  SchemaEvaluationError,
  type SchemaFetcher,
  schemaFields,
  toJs,
  WorkflowError,
  type WorkflowInfo,
  type WorkflowRules,
  WORKFLOWS_CONFIG_KEY,
  type WorkflowsConfig,
  YamlUnsupportedError,
} from "../../quilt/mod.ts";
import { defineTool, READ_ONLY, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { defineResource, type ResourceDefinition } from "../common/define_resource.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { packageName } from "../common/package_inputs.ts";
import { MAX_WORKFLOW_FILE_BYTES, readWorkflowsConfig } from "../common/workflow_config.ts";

/** Errors that mean "this rule cannot be evaluated exactly here" rather than "it fails". */
function isUnsupported(e: unknown): e is Error {
  return e instanceof PyRegexUnsupportedError || e instanceof YamlUnsupportedError ||
    e instanceof SchemaEvaluationError;
}

/** The registry's configuration as quilt3 loads it, or undefined when it has none. */
async function loadConfig(env: ToolEnv, bucket: string): Promise<WorkflowsConfig | undefined> {
  try {
    return await readWorkflowsConfig(new RegistryIo(env, bucket));
  } catch (e) {
    if (e instanceof WorkflowError || isUnsupported(e)) {
      throw new ToolError(
        "invalid_config",
        `s3://${bucket}/${WORKFLOWS_CONFIG_KEY} cannot be used: ${e.message}`,
      );
    }
    throw e;
  }
}

/**
 * Reads the schemas a workflow names, as the write tools do but with this category's rights:
 * only configured buckets, and only the current version (s3:GetObject; a URL pinned to a
 * version needs s3:GetObjectVersion, which packages-read does not have, so it is reported).
 */
function schemaFetcher(env: ToolEnv): SchemaFetcher {
  return async (location) => {
    if (location.scheme !== "s3") throw new Error("unreachable: local schemas are refused earlier");
    const where = `s3://${location.bucket}/${location.key}`;
    assertBucketAllowed(env.deps.config, location.bucket);
    if (location.versionId !== undefined) {
      throw new ToolError(
        "invalid_config",
        `${where} is pinned to version ${location.versionId}; this read-only check reads current versions only`,
      );
    }
    const read = await new RegistryIo(env, location.bucket).readSmallObject(location.key, {
      maxBytes: MAX_WORKFLOW_FILE_BYTES,
    });
    // quilt3's ConfigurationError for a schema that is not there.
    if (!read) throw new WorkflowError("ConfigurationError", `Couldn't load schema at ${where}.`);
    return {
      bytes: read.bytes,
      physicalKey: {
        ...location,
        ...(read.versionId !== undefined ? { versionId: read.versionId } : {}),
      },
    };
  };
}

/** A workflow with its loaded rules, or why they cannot be used. */
interface LoadedWorkflow {
  readonly workflow: WorkflowInfo;
  readonly rules: WorkflowRules | null;
  /** Why the workflow's rules (schemas, name pattern) cannot be used, when they cannot. */
  readonly problem: string | null;
}

/** Loads one workflow's rules as a push would (quilt3's `WorkflowConfig.get_workflow_validator`). */
async function loadWorkflow(
  env: ToolEnv,
  config: WorkflowsConfig,
  workflow: WorkflowInfo,
): Promise<LoadedWorkflow> {
  try {
    return { workflow, rules: await config.select(workflow.id, schemaFetcher(env)), problem: null };
  } catch (e) {
    // One unusable workflow does not hide the others: it is reported with them.
    if (e instanceof ToolError || e instanceof WorkflowError || isUnsupported(e)) {
      return { workflow, rules: null, problem: e.message };
    }
    throw e;
  }
}

/** The named workflow's description, or a not_found error listing the ones there are. */
function workflowNamed(bucket: string, config: WorkflowsConfig, id: string): WorkflowInfo {
  const all = config.workflows();
  const found = all.find((w) => w.id === id);
  if (!found) {
    throw new ToolError(
      "not_found",
      `Not found: s3://${bucket} has no workflow '${id}' (it has: ${
        all.map((w) => w.id).join(", ") || "none"
      }).`,
    );
  }
  return found;
}

/** A jsonschema instance path as a JSON Pointer (RFC 6901). */
function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/** Most schema violations listed per check (jsonschema's order; the first is quilt3's). */
const MAX_VIOLATIONS = 50;

const fieldSchema = z.object({
  name: z.string(),
  required: z.boolean(),
  type: z.string().nullable(),
  description: z.string().nullable(),
  allowed: z.array(z.unknown()).nullable().describe("The only values accepted (enum or const)"),
  pattern: z.string().nullable(),
  format: z.string().nullable(),
});

const workflowSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  is_default: z.boolean(),
  is_message_required: z.boolean(),
  handle_pattern: z.string().nullable().describe("Regular expression package names must match"),
  metadata_schema_url: z.string().nullable(),
  metadata_schema_problem: z.string().nullable().describe("Why the schema could not be used"),
  fields: z.array(fieldSchema),
  template: z.record(z.string(), z.unknown()).nullable().describe(
    "Package metadata with every field of the schema and a placeholder value (its default, example, first allowed value, or an empty value of its type), required fields first",
  ),
});

const templatesOutput = z.object({
  bucket: z.string(),
  config_found: z.boolean().describe(
    "False when the registry has no workflows: any metadata is accepted",
  ),
  is_workflow_required: z.boolean(),
  default_workflow: z.string().nullable(),
  workflows: z.array(workflowSchema),
});

async function templates(env: ToolEnv, bucket: string, workflow?: string) {
  assertBucketAllowed(env.deps.config, bucket);
  const config = await loadConfig(env, bucket);
  if (!config) {
    return {
      bucket,
      config_found: false,
      is_workflow_required: false,
      default_workflow: null,
      workflows: [],
    };
  }
  const chosen = workflow === undefined
    ? config.workflows()
    : [workflowNamed(bucket, config, workflow)];
  const loaded: LoadedWorkflow[] = [];
  for (const w of chosen) loaded.push(await loadWorkflow(env, config, w));
  return {
    bucket,
    config_found: true,
    is_workflow_required: config.isWorkflowRequired,
    default_workflow: config.defaultWorkflow ?? null,
    workflows: loaded.map(({ workflow: w, rules, problem }) => {
      const schema = rules?.metadataSchema;
      return {
        id: w.id,
        name: w.name,
        description: w.description,
        is_default: w.id === config.defaultWorkflow,
        is_message_required: w.isMessageRequired,
        handle_pattern: w.handlePattern,
        metadata_schema_url: w.metadataSchemaId
          ? config.schemaUrl(w.metadataSchemaId) ?? null
          : null,
        metadata_schema_problem: problem,
        fields: schema === undefined ? [] : schemaFields(schema).map((f) => ({
          ...f,
          allowed: f.allowed === null ? null : f.allowed.map((v) => toJs(v)),
        })),
        template: schema !== undefined
          ? toJs(metadataTemplate(schema)) as Record<string, unknown>
          : w.metadataSchemaId
          ? null
          : {},
      };
    }),
  };
}

const metadataTemplates = defineTool({
  name: "package_metadata_templates",
  title: "Metadata templates of a registry",
  description:
    "Shows what package metadata a registry bucket expects, from its Quilt workflows (.quilt/workflows/config.yml and the JSON Schemas it names): each workflow with its fields (type, required, allowed values, pattern) and a ready-to-fill metadata template, the default workflow, whether a workflow is required, message and package-name rules. Use it before creating or updating a package, then check your metadata with package_metadata_validate. A registry without workflows accepts any metadata.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    workflow: z.string().min(1).max(256).optional().describe("Only this workflow (by id)"),
  }),
  output: templatesOutput,
  annotations: READ_ONLY,
  run: (args, env) => templates(env, args.bucket, args.workflow),
});

interface Violation {
  path: string;
  message: string;
}

const metadataValidate = defineTool({
  name: "package_metadata_validate",
  title: "Check metadata against a workflow",
  description:
    "Checks proposed package metadata (and optionally the package name and commit message) against a registry's workflow, with the same rules and messages as quilt3 when it validates a push (jsonschema Draft 7, Python regular expressions): the workflow's metadata JSON Schema (every violation, in jsonschema's order, with its JSON Pointer path; the first is the one quilt3 reports), its package-name pattern and, when you pass a message, whether one is required (an empty message fails). Uses the default workflow unless you name one. Writes nothing. A rule this server cannot evaluate exactly is listed under not_checked, and then valid is false.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    workflow: z.string().min(1).max(256).optional().describe(
      "Workflow id (default: the registry's default workflow)",
    ),
    user_meta: z.record(z.string(), z.unknown()).describe("The package metadata to check"),
    package: packageName.optional().describe("The package name to check against the workflow"),
    message: z.string().max(10_000).optional().describe("The commit message to check"),
  }),
  output: z.object({
    bucket: z.string(),
    workflow: z.string().nullable().describe("The workflow checked (null: the registry has none)"),
    valid: z.boolean(),
    violations: z.array(z.object({ path: z.string(), message: z.string() })),
    not_checked: z.array(z.string()).describe(
      "Rules that could not be evaluated exactly (the check stops there; nothing is assumed to pass)",
    ),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const config = await loadConfig(env, args.bucket);
    const result = (workflow: string | null, violations: Violation[], notChecked: string[]) => ({
      bucket: args.bucket,
      workflow,
      valid: violations.length === 0 && notChecked.length === 0,
      violations,
      not_checked: notChecked,
    });
    if (!config) return result(null, [], []);
    if (args.workflow !== undefined) workflowNamed(args.bucket, config, args.workflow);
    let rules: WorkflowRules;
    try {
      rules = await config.select(args.workflow, schemaFetcher(env));
    } catch (e) {
      // No workflow named, none by default, and the registry requires one: quilt3 refuses.
      if (e instanceof WorkflowError && e.kind === "QuiltException") {
        return result(null, [{ path: "", message: e.message }], []);
      }
      if (e instanceof ToolError || e instanceof WorkflowError || isUnsupported(e)) {
        throw new ToolError(
          "invalid_config",
          `Workflow '${args.workflow ?? config.defaultWorkflow}' cannot be used: ${e.message}`,
        );
      }
      throw e;
    }
    const id = rules.record.get("id");
    const violations: Violation[] = [];
    const notChecked: string[] = [];
    try {
      for (
        const v of rules.violations({
          packageName: args.package,
          message: args.message ?? null,
          userMeta: fromJs(args.user_meta, "user_meta"),
        }, MAX_VIOLATIONS)
      ) {
        if (v.rule === "message" && args.message === undefined) continue;
        violations.push(
          v.schemaError
            ? { path: jsonPointer(v.schemaError.path), message: v.schemaError.message }
            : { path: v.rule === "package_name" ? "package" : "message", message: v.message },
        );
      }
    } catch (e) {
      // A rule this server cannot evaluate exactly is named, never passed.
      if (!isUnsupported(e)) throw e;
      notChecked.push(e.message);
    }
    return result(typeof id === "string" ? id : null, violations, notChecked);
  },
});

const metadataResource = defineResource({
  uri: "metadata://{bucket}/templates",
  name: "metadata-templates",
  title: "Metadata templates of a registry",
  description:
    "The registry's workflows with each workflow's metadata fields and a ready-to-fill template (the package_metadata_templates answer), for clients that attach context before writing package metadata.",
  mimeType: "application/json",
  match: (uri) => {
    const m = /^metadata:\/\/([^/?#]+)\/templates$/.exec(uri);
    return m ? { bucket: m[1] } : undefined;
  },
  list: (deps) =>
    deps.config.buckets.map((bucket) => ({
      uri: `metadata://${bucket}/templates`,
      name: `metadata-templates-${bucket}`,
      title: `Metadata templates of s3://${bucket}`,
      mimeType: "application/json",
    })),
  async read(_uri, vars, env) {
    const parsed = bucketName.safeParse(vars.bucket);
    if (!parsed.success) {
      throw new ToolError("invalid_input", `Not a valid bucket name: ${vars.bucket}`);
    }
    return {
      text: JSON.stringify(await templates(env, parsed.data), null, 2),
      mimeType: "application/json",
    };
  },
});

/** Metadata tools of the packages-read category. */
export const METADATA_TOOLS: readonly ToolDefinition[] = [metadataTemplates, metadataValidate];
/** Metadata resources of the packages-read category. */
export const METADATA_RESOURCES: readonly ResourceDefinition[] = [metadataResource];
