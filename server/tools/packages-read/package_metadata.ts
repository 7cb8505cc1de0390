/**
 * Metadata help from a registry's workflows (`.quilt/workflows/config.yml` and the JSON Schemas it
 * names): which workflows exist, a metadata template and field list per workflow, and a check of
 * proposed metadata, package name and message against a workflow — so an assistant proposes
 * metadata that will pass. Schemas are read from S3 (`s3://` URLs in the configured buckets);
 * other URLs are reported, not fetched. Enforcing workflows when writing is the write tools' job.
 * @module
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import * as z from "zod";
import { parseS3Url, YamlError } from "../../quilt/mod.ts";
import {
  type JsonSchema,
  metadataTemplate,
  parseWorkflowsConfig,
  schemaFields,
  validateAgainstSchema,
  type Workflow,
  type WorkflowsConfig,
  WorkflowsConfigError,
} from "../../quilt/workflows.ts";
import { defineTool, READ_ONLY, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { defineResource, type ResourceDefinition } from "../common/define_resource.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { packageName } from "../common/package_inputs.ts";

/** Where quilt3 reads a registry's workflows configuration. */
export const WORKFLOWS_CONFIG_KEY = ".quilt/workflows/config.yml";
/** Largest config or schema read. */
const MAX_FILE_BYTES = 1024 * 1024;

async function readSmall(env: ToolEnv, bucket: string, key: string): Promise<string | undefined> {
  return await env.aws({ action: "s3:GetObject", target: `s3://${bucket}/${key}` }, async () => {
    try {
      const r = await env.deps.aws.s3().send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${MAX_FILE_BYTES - 1}` }),
        { abortSignal: env.signal },
      );
      return await r.Body!.transformToString();
    } catch (e) {
      const name = (e as { name?: string })?.name;
      if (name === "NoSuchKey" || name === "NotFound") return undefined;
      throw e;
    }
  });
}

/** A workflow with its metadata schema (when it has one and it could be read). */
interface LoadedWorkflow {
  readonly workflow: Workflow;
  readonly schemaUrl: string | null;
  readonly schema: JsonSchema | null;
  /** Why the schema is not available, when it is not. */
  readonly schemaProblem: string | null;
}

/** The registry's workflows, or undefined when it has no configuration. */
export async function loadWorkflows(
  env: ToolEnv,
  bucket: string,
  only?: string,
  withSchemas = true,
): Promise<{ config: WorkflowsConfig; loaded: LoadedWorkflow[] } | undefined> {
  const text = await readSmall(env, bucket, WORKFLOWS_CONFIG_KEY);
  if (text === undefined) return undefined;
  let config: WorkflowsConfig;
  try {
    config = parseWorkflowsConfig(text);
  } catch (e) {
    if (e instanceof YamlError || e instanceof WorkflowsConfigError) {
      throw new ToolError(
        "invalid_config",
        `s3://${bucket}/${WORKFLOWS_CONFIG_KEY} cannot be used: ${e.message}.`,
      );
    }
    throw e;
  }
  if (only !== undefined && !config.workflows.some((w) => w.id === only)) {
    throw new ToolError(
      "not_found",
      `Not found: s3://${bucket} has no workflow '${only}' (it has: ${
        config.workflows.map((w) => w.id).join(", ") || "none"
      }).`,
    );
  }
  const schemaCache = new Map<
    string,
    Promise<{ schema: JsonSchema | null; problem: string | null }>
  >();
  const readSchema = (url: string) => {
    let p = schemaCache.get(url);
    if (!p) {
      p = (async () => {
        if (!url.startsWith("s3://")) {
          return { schema: null, problem: `only s3:// schemas are read (this one is ${url})` };
        }
        const loc = parseS3Url(url);
        let body: string | undefined;
        try {
          assertBucketAllowed(env.deps.config, loc.bucket);
          body = await readSmall(env, loc.bucket, loc.key);
        } catch (e) {
          // One unreadable schema does not hide the other workflows: it is reported with them.
          if (e instanceof ToolError) return { schema: null, problem: e.message };
          throw e;
        }
        if (body === undefined) return { schema: null, problem: `${url} does not exist` };
        try {
          const schema = JSON.parse(body);
          if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
            return { schema: null, problem: `${url} is not a JSON Schema object` };
          }
          return { schema: schema as JsonSchema, problem: null };
        } catch {
          return { schema: null, problem: `${url} is not JSON` };
        }
      })();
      schemaCache.set(url, p);
    }
    return p;
  };
  const loaded: LoadedWorkflow[] = [];
  for (const workflow of config.workflows) {
    if (only !== undefined && workflow.id !== only) continue;
    const url = workflow.metadataSchemaId ? config.schemas[workflow.metadataSchemaId] : null;
    const { schema, problem } = url && withSchemas
      ? await readSchema(url)
      : { schema: null, problem: null };
    loaded.push({ workflow, schemaUrl: url, schema, schemaProblem: problem });
  }
  return { config, loaded };
}

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
  const found = await loadWorkflows(env, bucket, workflow);
  if (!found) {
    return {
      bucket,
      config_found: false,
      is_workflow_required: false,
      default_workflow: null,
      workflows: [],
    };
  }
  return {
    bucket,
    config_found: true,
    is_workflow_required: found.config.isWorkflowRequired,
    default_workflow: found.config.defaultWorkflow,
    workflows: found.loaded.map(({ workflow: w, schemaUrl, schema, schemaProblem }) => ({
      id: w.id,
      name: w.name,
      description: w.description,
      is_default: w.id === found.config.defaultWorkflow,
      is_message_required: w.isMessageRequired,
      handle_pattern: w.handlePattern,
      metadata_schema_url: schemaUrl,
      metadata_schema_problem: schemaProblem,
      fields: schema ? schemaFields(schema) : [],
      template: schema ? metadataTemplate(schema) : w.metadataSchemaId ? null : {},
    })),
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

const metadataValidate = defineTool({
  name: "package_metadata_validate",
  title: "Check metadata against a workflow",
  description:
    "Checks proposed package metadata (and optionally the package name and commit message) against a registry's workflow, the way quilt3 validates a push: the workflow's JSON Schema (every violation with its JSON Pointer path), its package-name pattern and whether a message is required. Uses the default workflow unless you name one. Writes nothing. Schema keywords this check does not evaluate are listed under not_checked.",
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
    not_checked: z.array(z.string()).describe("Schema keywords that were not evaluated"),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const probe = await loadWorkflows(env, args.bucket, undefined, false);
    if (!probe) {
      return {
        bucket: args.bucket,
        workflow: null,
        valid: true,
        violations: [],
        not_checked: [],
      };
    }
    const id = args.workflow ?? probe.config.defaultWorkflow;
    if (!id) {
      const violations = probe.config.isWorkflowRequired
        ? [{ path: "", message: "this registry requires a workflow and has no default: name one" }]
        : [];
      return {
        bucket: args.bucket,
        workflow: null,
        valid: violations.length === 0,
        violations,
        not_checked: [],
      };
    }
    const found = (await loadWorkflows(env, args.bucket, id))!.loaded[0];
    const w = found.workflow;
    const violations: { path: string; message: string }[] = [];
    let notChecked: string[] = [];
    if (found.schema) {
      const r = validateAgainstSchema(found.schema, args.user_meta);
      violations.push(...r.violations);
      notChecked = r.notChecked;
    } else if (found.schemaProblem) {
      throw new ToolError(
        "invalid_config",
        `Workflow '${w.id}' has a metadata schema that cannot be used: ${found.schemaProblem}.`,
      );
    }
    if (w.handlePattern && args.package !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(w.handlePattern, "u");
      } catch {
        notChecked.push(`handle_pattern ${w.handlePattern} (not a JavaScript regular expression)`);
      }
      if (re && !re.test(args.package)) {
        violations.push({ path: "package", message: `must match ${w.handlePattern}` });
      }
    }
    if (w.isMessageRequired && args.message !== undefined && args.message.trim() === "") {
      violations.push({
        path: "message",
        message: "a commit message is required by this workflow",
      });
    }
    return {
      bucket: args.bucket,
      workflow: w.id,
      valid: violations.length === 0,
      violations,
      not_checked: notChecked,
    };
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
