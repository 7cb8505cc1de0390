/**
 * The registry's workflow rules for package_create and package_update, enforced as quilt3
 * enforces them on push and before anything is hashed or written: the configuration
 * (`.quilt/workflows/config.yml`) and the schemas it names are read fresh for every call (each
 * pinned to the version S3 served), the chosen workflow checks the new revision, and the record
 * quilt3 writes (`{"id", "config", "schemas"?}`) becomes the revision's `workflow`. A revision
 * never inherits its parent's record: it is re-validated, and without a configuration it has
 * none. quilt3's error class and message are kept; a rule this server cannot evaluate exactly
 * refuses the call rather than being skipped.
 * @module
 */
import * as z from "zod";
import {
  checkWorkflow,
  compareLogicalKeys,
  entryUserMeta,
  type FetchedFile,
  type JsonObject,
  type JsonValue,
  type ManifestEntry,
  PyRegexUnsupportedError,
  SchemaEvaluationError,
  type WorkflowEntry,
  WorkflowError,
  WORKFLOWS_CONFIG_KEY,
  YamlUnsupportedError,
} from "../../quilt/mod.ts";
import type { ToolEnv } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed } from "../common/inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { MAX_WORKFLOW_FILE_BYTES, readWorkflowsConfig } from "../common/workflow_config.ts";

/** The `workflow` input of package_create / package_update (quilt3's `workflow=` argument). */
export const workflowInput = z.string().min(1).max(256).nullable().optional().describe(
  "Workflow of the registry's .quilt/workflows/config.yml to validate against: omit for the configured default_workflow, null for none (allowed only when the configuration does not require one)",
);

/** What the rules check: the new revision's name, message, metadata and files. */
export interface WorkflowCheckInput {
  readonly workflow: string | null | undefined;
  readonly packageName: string;
  readonly message: string | null;
  readonly userMeta: JsonValue;
  /** Every file of the new revision (any order). */
  readonly entries: Iterable<ManifestEntry>;
}

function entriesForRules(entries: Iterable<ManifestEntry>): WorkflowEntry[] {
  return [...entries]
    .sort((a, b) => compareLogicalKeys(a.logicalKey, b.logicalKey))
    .map((e) => ({
      logicalKey: e.logicalKey,
      size: e.rawSize !== undefined ? e.rawSize : e.size,
      userMeta: entryUserMeta(e),
    }));
}

function schemaFetcher(env: ToolEnv, io: RegistryIo) {
  return async (location: FetchedFile["physicalKey"]): Promise<FetchedFile> => {
    if (location.scheme !== "s3") throw new Error("unreachable: local schemas are refused earlier");
    const where = `s3://${location.bucket}/${location.key}`;
    try {
      assertBucketAllowed(env.deps.config, location.bucket);
    } catch (e) {
      throw new ToolError(
        "workflow_config",
        `Couldn't load schema at ${where}: ${(e as Error).message} Nothing was written.`,
      );
    }
    const source = location.bucket === io.bucket ? io : new RegistryIo(env, location.bucket);
    let read;
    try {
      read = await source.readSmallObject(location.key, {
        versionId: location.versionId,
        maxBytes: MAX_WORKFLOW_FILE_BYTES,
      });
    } catch (e) {
      // quilt3: ConfigurationError "Couldn't load schema at ...".
      throw new ToolError(
        "workflow_config",
        `Couldn't load schema at ${where}. (${(e as Error).message}) Nothing was written.`,
      );
    }
    if (!read) {
      throw new ToolError(
        "workflow_config",
        `Couldn't load schema at ${where}. Nothing was written.`,
      );
    }
    return {
      bytes: read.bytes,
      physicalKey: {
        scheme: "s3",
        bucket: location.bucket,
        key: location.key,
        ...(read.versionId !== undefined ? { versionId: read.versionId } : {}),
      },
    };
  };
}

/**
 * Checks the new revision against the registry's workflow rules; returns the `workflow` record
 * to write (undefined: the registry has no workflows, so the revision has none). Throws a
 * ToolError with quilt3's message when quilt3 would refuse the push.
 */
export async function workflowRecord(
  env: ToolEnv,
  io: RegistryIo,
  input: WorkflowCheckInput,
): Promise<JsonObject | undefined> {
  const where = `s3://${io.bucket}/${WORKFLOWS_CONFIG_KEY}`;
  try {
    const config = await readWorkflowsConfig(io);
    return await checkWorkflow(config, input.workflow, {
      packageName: input.packageName,
      message: input.message,
      userMeta: input.userMeta,
      entries: entriesForRules(input.entries),
    }, schemaFetcher(env, io));
  } catch (e) {
    if (e instanceof WorkflowError) {
      throw new ToolError(
        e.kind === "ConfigurationError" ? "workflow_config" : "workflow_invalid",
        `${e.message} (quilt3 ${e.kind}; workflow rules of ${where}). Nothing was written.`,
      );
    }
    if (
      e instanceof PyRegexUnsupportedError || e instanceof YamlUnsupportedError ||
      e instanceof SchemaEvaluationError
    ) {
      throw new ToolError(
        "workflow_unsupported",
        `The workflow rules of ${where} cannot be checked exactly: ${e.message}. Nothing was written (a rule is never skipped); push this revision with quilt3 instead.`,
      );
    }
    throw e;
  }
}

/**
 * A header with the workflow record set (kept in place when the key exists, appended
 * otherwise, as a Python dict assignment does) or removed, as quilt3's `_workflow` setter.
 */
export function withWorkflow(header: JsonObject, record: JsonObject | undefined): JsonObject {
  const h = new Map(header);
  if (record) h.set("workflow", record);
  else h.delete("workflow");
  return h;
}
