/**
 * Reading a registry's workflow configuration (`.quilt/workflows/config.yml`), shared by the
 * write tools (which enforce it) and the metadata help (which explains it): the same bytes, the
 * same size bound and the same parse, so both see the registry as quilt3 sees it.
 * @module
 */
import { WORKFLOWS_CONFIG_KEY, WorkflowsConfig } from "../../quilt/mod.ts";
import type { RegistryIo } from "./package_io.ts";

/** Largest workflow configuration or schema read (quilt3 has no limit; this bounds memory). */
export const MAX_WORKFLOW_FILE_BYTES = 1024 * 1024;

/**
 * The registry's parsed configuration, pinned to the version S3 served; undefined when the
 * registry has none. Throws quilt3's WorkflowError (ConfigurationError) when it is unusable.
 */
export async function readWorkflowsConfig(io: RegistryIo): Promise<WorkflowsConfig | undefined> {
  const read = await io.readSmallObject(WORKFLOWS_CONFIG_KEY, {
    maxBytes: MAX_WORKFLOW_FILE_BYTES,
  });
  if (!read) return undefined;
  return WorkflowsConfig.parse({
    bytes: read.bytes,
    physicalKey: {
      scheme: "s3",
      bucket: io.bucket,
      key: WORKFLOWS_CONFIG_KEY,
      ...(read.versionId !== undefined ? { versionId: read.versionId } : {}),
    },
  });
}
