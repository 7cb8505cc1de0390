/**
 * quilt3's workflow rules (`quilt3/workflows/__init__.py`, 8.0.0), which every push to a registry
 * with a `.quilt/workflows/config.yml` must pass: the configuration is read as YAML and checked
 * against its schema and version; the workflow is the one named, else the default, else none
 * (refused when `is_workflow_required`, the default); then the commit message
 * (`is_message_required`), the package name (`handle_pattern`), the package metadata
 * (`metadata_schema`) and the entries (`entries_schema`: logical key, size and user metadata of
 * every file) are checked, and the push records `{"id", "config", "schemas"?}` as the
 * revision's `workflow`. Errors carry quilt3's messages and its three error classes.
 *
 * Pure logic: the configuration and schema bytes are fetched by the caller.
 * @module
 */

import { QuiltFormatError } from "../errors.ts";
import { parseJson } from "../json_parse.ts";
import type { JsonObject, JsonValue } from "../json_value.ts";
import { formatPhysicalKey, parsePhysicalKey, type PhysicalKey } from "../physical_key.ts";
import { WORKFLOWS_CONFIG_SCHEMA_TEXT } from "./config_schema.ts";
import {
  checkDraft7Schema,
  type Draft7Validator,
  draft7Validator,
  type SchemaViolation,
} from "./json_schema.ts";
import { compilePyRegex, type PyRegex, PyRegexError } from "./py_regex.ts";
import { pyStrRepr } from "./py_value.ts";
import { pyYamlSafeLoad, YamlLoadError } from "./yaml_load.ts";

/** Where the workflow configuration lives in a registry bucket. */
export const WORKFLOWS_CONFIG_KEY = ".quilt/workflows/config.yml";

/** The newest configuration version quilt3 8.0.0 supports. */
const SUPPORTED_VERSION: readonly [number, number, number] = [1, 1, 0];
const DRAFT7_URI = "http://json-schema.org/draft-07/schema#";

/** The three kinds of failure quilt3 reports for workflows. */
export type WorkflowErrorKind =
  /** `ConfigurationError`: the configuration or a schema it names is unusable. */
  | "ConfigurationError"
  /** `WorkflowValidationError`: the package breaks the workflow's rules. */
  | "WorkflowValidationError"
  /** `QuiltException`: no usable workflow was chosen. */
  | "QuiltException";

/** A push quilt3 would refuse because of the registry's workflow rules. */
export class WorkflowError extends QuiltFormatError {
  /** quilt3's error class. */
  readonly kind: WorkflowErrorKind;
  /** Creates the error with quilt3's message. */
  constructor(kind: WorkflowErrorKind, message: string) {
    super(message);
    this.name = "WorkflowError";
    this.kind = kind;
  }
}

function configError(message: string): WorkflowError {
  return new WorkflowError("ConfigurationError", message);
}

function violationText(prefix: string, v: SchemaViolation): string {
  return `${prefix}: ${v.message}.`;
}

/** A file as fetched: its bytes and the physical key it was read from (with its version). */
export interface FetchedFile {
  readonly bytes: Uint8Array;
  /** Effective location, e.g. `s3://bucket/key?versionId=...` (quilt3's `str(PhysicalKey)`). */
  readonly physicalKey: PhysicalKey;
}

/** Fetches a schema named by the configuration (undefined: the object does not exist). */
export type SchemaFetcher = (location: PhysicalKey) => Promise<FetchedFile>;

function decode(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Python raises UnicodeDecodeError here, which quilt3 does not catch: the push fails.
    throw configError(`${what} is not valid UTF-8.`);
  }
}

function versionOf(config: JsonObject): [number, number, number] {
  const v = config.get("version")!;
  const text = typeof v === "string" ? v : (v as JsonObject).get("base") as string;
  const parts = text.split(".").map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

/** One workflow of a configuration, as the configuration describes it. */
export interface WorkflowInfo {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  /** Python regular expression package names must match (`re.search`). */
  readonly handlePattern: string | null;
  readonly metadataSchemaId: string | null;
  readonly entriesSchemaId: string | null;
  readonly isMessageRequired: boolean;
}

/** A registry's parsed, validated workflow configuration. */
export class WorkflowsConfig {
  /** The configuration as loaded. */
  readonly config: JsonObject;
  /** Where it was read from (recorded in each revision's `workflow.config`). */
  readonly physicalKey: PhysicalKey;

  private constructor(config: JsonObject, physicalKey: PhysicalKey) {
    this.config = config;
    this.physicalKey = physicalKey;
  }

  /** quilt3's default: a workflow is required unless the configuration says otherwise. */
  get isWorkflowRequired(): boolean {
    return this.config.get("is_workflow_required") !== false;
  }

  /** The workflow used when a push names none (it may name a workflow that does not exist). */
  get defaultWorkflow(): string | undefined {
    const d = this.config.get("default_workflow");
    return typeof d === "string" ? d : undefined;
  }

  /** The configured workflows, in the configuration's order. */
  workflows(): WorkflowInfo[] {
    const str = (v: JsonValue | undefined) => (typeof v === "string" ? v : null);
    return [...(this.config.get("workflows") as JsonObject)].map(([id, w]) => {
      const data = w as JsonObject;
      return {
        id,
        name: str(data.get("name")),
        description: str(data.get("description")),
        handlePattern: str(data.get("handle_pattern")),
        metadataSchemaId: str(data.get("metadata_schema")),
        entriesSchemaId: str(data.get("entries_schema")),
        isMessageRequired: data.get("is_message_required") === true,
      };
    });
  }

  /** The URL the configuration gives for a schema id, if it names the id. */
  schemaUrl(id: string): string | undefined {
    const schemas = this.config.get("schemas");
    const entry = schemas instanceof Map ? schemas.get(id) : undefined;
    const url = entry instanceof Map ? entry.get("url") : undefined;
    return typeof url === "string" ? url : undefined;
  }

  /** `WorkflowConfig.load`: parses and validates the YAML configuration. */
  static parse(file: FetchedFile): WorkflowsConfig {
    let data: JsonValue;
    try {
      data = pyYamlSafeLoad(decode(file.bytes, "The workflows config"));
    } catch (e) {
      if (e instanceof YamlLoadError) throw configError("Couldn't parse workflows config as YAML.");
      throw e;
    }
    const schema = parseJson(WORKFLOWS_CONFIG_SCHEMA_TEXT);
    const violation = draft7Validator(schema).firstError(data);
    if (violation) {
      throw configError(violationText("Workflows config failed validation", violation));
    }
    const config = data as JsonObject;
    const version = versionOf(config);
    for (let i = 0; i < 3; i++) {
      if (version[i] !== SUPPORTED_VERSION[i]) {
        if (version[i] > SUPPORTED_VERSION[i]) {
          throw configError(`Version '${version.join(".")}' is not supported`);
        }
        break;
      }
    }
    return new WorkflowsConfig(config, file.physicalKey);
  }

  /**
   * The rules of the workflow a push chose: `workflow` undefined means "not given" (quilt3's
   * default `...`: the configured `default_workflow`, if any), null means "no workflow".
   * Loads and checks the schemas the workflow names.
   */
  async select(workflow: string | null | undefined, fetch: SchemaFetcher): Promise<WorkflowRules> {
    let chosen = workflow;
    if (chosen === undefined) {
      const d = this.config.get("default_workflow");
      chosen = typeof d === "string" ? d : null;
    }
    const workflows = this.config.get("workflows") as JsonObject;
    let data: JsonObject;
    if (chosen === null) {
      if (this.config.get("is_workflow_required") !== false) {
        throw new WorkflowError("QuiltException", "Workflow required, but none specified.");
      }
      data = new Map();
    } else if (!workflows.has(chosen)) {
      throw new WorkflowError(
        "QuiltException",
        `There is no ${pyStrRepr(chosen)} workflow in config.`,
      );
    } else {
      data = workflows.get(chosen) as JsonObject;
    }
    const handle = data.get("handle_pattern");
    let namePattern: PyRegex | undefined;
    if (typeof handle === "string" && handle !== "") {
      try {
        namePattern = compilePyRegex(handle);
      } catch (e) {
        // re.error escapes quilt3 uncaught: the push fails.
        if (e instanceof PyRegexError) {
          throw configError(
            `handle_pattern ${pyStrRepr(handle)} is not a regular expression: ${e.message}.`,
          );
        }
        throw e;
      }
    }
    const loaded = new Map<string, LoadedSchema>();
    const byUrl = new Map<string, LoadedSchema>();
    const validatorFor = async (id: JsonValue | undefined) => {
      if (typeof id !== "string" || id === "") return undefined;
      const cached = loaded.get(id);
      if (cached) return cached;
      const location = this.#schemaLocation(id);
      const key = formatPhysicalKey(location);
      let entry = byUrl.get(key);
      if (!entry) {
        entry = await loadSchema(id, location, fetch);
        byUrl.set(key, entry);
      }
      loaded.set(id, entry);
      return entry;
    };
    const metadata = await validatorFor(data.get("metadata_schema"));
    const entries = await validatorFor(data.get("entries_schema"));
    const record: JsonObject = new Map<string, JsonValue>([
      ["id", chosen],
      ["config", formatPhysicalKey(this.physicalKey)],
    ]);
    if (loaded.size > 0) {
      record.set(
        "schemas",
        new Map([...loaded].map(([id, v]) => [id, formatPhysicalKey(v.stored)] as const)),
      );
    }
    return new WorkflowRules({
      record,
      messageRequired: data.get("is_message_required") === true,
      namePattern,
      metadata: metadata?.validator,
      metadataSchema: metadata?.schema,
      entries: entries?.validator,
    });
  }

  #schemaLocation(id: string): PhysicalKey {
    const schemas = this.config.get("schemas");
    if (!(schemas instanceof Map) || !schemas.has(id)) {
      throw configError(`There is no ${pyStrRepr(id)} in schemas.`);
    }
    const url = (schemas.get(id) as JsonObject).get("url") as string;
    let pk: PhysicalKey;
    try {
      pk = parsePhysicalKey(url);
    } catch {
      throw configError(`Couldn't parse URL ${pyStrRepr(url)}.`);
    }
    if (pk.scheme === "file") {
      throw configError(
        `Local schema ${pyStrRepr(formatPhysicalKey(pk))} can't be used on the remote registry.`,
      );
    }
    return pk;
  }
}

/** The JSON `object_hook` quilt3 loads schemas with: any object with a `$ref` key is refused. */
function findRef(v: JsonValue): boolean {
  if (Array.isArray(v)) return v.some(findRef);
  if (v instanceof Map) {
    if (v.has("$ref")) return true;
    for (const x of v.values()) if (findRef(x)) return true;
  }
  return false;
}

/** A schema a workflow names, loaded and checked. */
interface LoadedSchema {
  readonly schema: JsonValue;
  readonly validator: Draft7Validator;
  /** Where it was read from (with the version S3 served). */
  readonly stored: PhysicalKey;
}

async function loadSchema(
  id: string,
  location: PhysicalKey,
  fetch: SchemaFetcher,
): Promise<LoadedSchema> {
  const file = await fetch(location);
  const where = formatPhysicalKey(location);
  let schema: JsonValue;
  try {
    schema = parseJson(decode(file.bytes, `The schema ${where}`));
  } catch (e) {
    if (e instanceof WorkflowError) throw e;
    throw configError(`Couldn't parse ${where} as JSON.`);
  }
  if (findRef(schema)) {
    throw new WorkflowError("QuiltException", "Currently we don't support $ref in schema.");
  }
  if (schema instanceof Map && schema.has("$schema")) {
    const meta = schema.get("$schema");
    if (typeof meta !== "string") throw configError("$schema must be a string.");
    if (meta !== DRAFT7_URI) throw configError(`Unsupported meta-schema: ${meta}.`);
  }
  const violation = checkDraft7Schema(schema);
  if (violation) {
    throw configError(violationText(`Schema ${pyStrRepr(id)} is not valid`, violation));
  }
  return { schema, validator: draft7Validator(schema), stored: file.physicalKey };
}

/** One file of the package as a workflow's `entries_schema` sees it. */
export interface WorkflowEntry {
  readonly logicalKey: string;
  /** The size as stored (an int for new files; whatever an old manifest holds otherwise). */
  readonly size: JsonValue;
  /** The entry's user metadata (`{}` when it has none). */
  readonly userMeta: JsonValue;
}

/** What a push is checked on. */
export interface WorkflowSubject {
  readonly packageName: string;
  /** The commit message (null or "" count as none). */
  readonly message: string | null;
  /** The package-level user metadata (`{}` when there is none). */
  readonly userMeta: JsonValue;
  /** Every file of the new revision, in quilt3's walk (tree) order. */
  readonly entries: readonly WorkflowEntry[];
}

/** A proposal checked before a push: the name and the files may be left out (not checked). */
export type WorkflowProposal = Omit<WorkflowSubject, "packageName" | "entries"> & {
  readonly packageName?: string;
  readonly entries?: readonly WorkflowEntry[];
};

/** One rule a push breaks, with the message quilt3 gives for it. */
export interface WorkflowViolation {
  /** The rule, in the order quilt3 checks them. */
  readonly rule: "message" | "package_name" | "metadata" | "entries";
  /** quilt3's WorkflowValidationError message. */
  readonly message: string;
  /** jsonschema's error, for the metadata and entries rules. */
  readonly schemaError?: SchemaViolation;
}

/** The rules of one chosen workflow. */
export class WorkflowRules {
  /** What the revision records as `workflow`. */
  readonly record: JsonObject;
  /** The workflow's package-metadata JSON Schema, if it names one. */
  readonly metadataSchema: JsonValue | undefined;
  readonly #messageRequired: boolean;
  readonly #namePattern: PyRegex | undefined;
  readonly #metadata: Draft7Validator | undefined;
  readonly #entries: Draft7Validator | undefined;

  /** Assembles the rules (see {@link WorkflowsConfig.select}). */
  constructor(opts: {
    record: JsonObject;
    messageRequired: boolean;
    namePattern?: PyRegex;
    metadata?: Draft7Validator;
    metadataSchema?: JsonValue;
    entries?: Draft7Validator;
  }) {
    this.record = opts.record;
    this.metadataSchema = opts.metadataSchema;
    this.#messageRequired = opts.messageRequired;
    this.#namePattern = opts.namePattern;
    this.#metadata = opts.metadata;
    this.#entries = opts.entries;
  }

  /** True when the workflow checks the package's files (`entries_schema`). */
  get checksEntries(): boolean {
    return this.#entries !== undefined;
  }

  /**
   * Every rule the proposal breaks, in quilt3's order (message, name, metadata, entries), each
   * schema rule with up to `perSchema` of jsonschema's errors. Lazy: a rule is evaluated only when
   * the next violation is asked for, so the first one costs what quilt3's check costs.
   */
  *violations(proposal: WorkflowProposal, perSchema = 1): Generator<WorkflowViolation> {
    if (this.#messageRequired && !proposal.message) {
      yield {
        rule: "message",
        message: "Commit message is required by workflow, but none was provided.",
      };
    }
    if (
      this.#namePattern && proposal.packageName !== undefined &&
      !this.#namePattern.search(proposal.packageName)
    ) {
      yield { rule: "package_name", message: "Package name doesn't match required pattern." };
    }
    for (const e of this.#metadata?.errors(proposal.userMeta, perSchema) ?? []) {
      yield {
        rule: "metadata",
        message: violationText("Metadata failed validation", e),
        schemaError: e,
      };
    }
    if (this.#entries && proposal.entries !== undefined) {
      const list: JsonValue = proposal.entries.map((e) =>
        new Map<string, JsonValue>([
          ["logical_key", e.logicalKey],
          ["size", e.size],
          ["meta", e.userMeta],
        ])
      );
      for (const e of this.#entries.errors(list, perSchema)) {
        yield {
          rule: "entries",
          message: violationText("Package entries failed validation", e),
          schemaError: e,
        };
      }
    }
  }

  /** `WorkflowValidator.validate`: throws quilt3's WorkflowValidationError, else the record. */
  validate(subject: WorkflowSubject): JsonObject {
    const first = this.violations(subject).next();
    if (!first.done) throw new WorkflowError("WorkflowValidationError", first.value.message);
    return this.record;
  }
}

/**
 * `quilt3.workflows.validate`: with no configuration, a push without a workflow records none
 * (undefined) and a push naming one (or null) is refused; otherwise the chosen workflow's rules
 * decide and the record is returned.
 */
export async function checkWorkflow(
  config: WorkflowsConfig | undefined,
  workflow: string | null | undefined,
  subject: WorkflowSubject,
  fetch: SchemaFetcher,
): Promise<JsonObject | undefined> {
  if (!config) {
    if (workflow === undefined) return undefined;
    throw new WorkflowError(
      "QuiltException",
      `${
        workflow === null ? "None" : pyStrRepr(workflow)
      } workflow is specified, but no workflows config exist.`,
    );
  }
  const rules = await config.select(workflow, fetch);
  return rules.validate(subject);
}
