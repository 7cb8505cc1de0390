/**
 * The parameter table (`modules/parameters.json`) as typed data, and the validation every flavour
 * shares: the CDK construct refuses exactly what the table refuses, and the CloudFormation
 * template's parameter constraints are generated from the same entries. Pure: no I/O.
 * @module
 */
import table from "../../parameters.json" with { type: "json" };

/** Type of a parameter, as Terraform spells it. */
export type ParameterType =
  | "string"
  | "number"
  | "bool"
  | "list(string)"
  | "map(string)";

/** Validation of one parameter (see the `$comment` of `modules/parameters.json`). */
export interface ParameterValidation {
  readonly pattern?: string;
  readonly key_pattern?: string;
  readonly allowed?: readonly (string | number)[];
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly min_items?: number;
  readonly max_items?: number;
  readonly must_contain?: string;
}

/** One example of the table; an object form names the flavours that differ, with the reason. */
export type ParameterExample =
  | unknown
  | {
    readonly value: unknown;
    readonly differs_in: readonly string[];
    readonly why: string;
  };

/** One row of the parameter table. */
export interface ParameterSpec {
  readonly name: string;
  readonly terraform: readonly string[];
  /** With `terraform` empty: the composition's variable (examples/complete) it matches. */
  readonly terraform_composition?: string;
  readonly cdk: string;
  readonly cloudformation: string;
  readonly environment?: string;
  readonly group: string;
  readonly type: ParameterType;
  /** Absent: required. `null`: optional and unset by default. */
  readonly default?: unknown;
  readonly description: string;
  readonly validation?: ParameterValidation;
  readonly cloudformation_encoding?: string;
  readonly examples?: {
    readonly valid?: readonly unknown[];
    readonly invalid?: readonly unknown[];
  };
}

/** A rule between parameters (a Terraform precondition), mirrored by every flavour. */
export interface CrossRule {
  readonly id: string;
  readonly description: string;
  readonly terraform: string;
  readonly cloudformation: string;
  readonly invalid: readonly Readonly<Record<string, unknown>>[];
}

/** A Terraform module variable the one-stack flavours do not expose, with the reason. */
export interface TerraformOnly {
  readonly terraform: string;
  readonly reason: string;
}

/**
 * A setting of the CDK construct and the CloudFormation stack with no Terraform counterpart,
 * with the reason (booleans only: how the stack treats its own resources).
 */
export interface StackOnlySetting {
  readonly cdk: string;
  readonly cloudformation: string;
  readonly group: string;
  readonly default: boolean;
  readonly description: string;
  readonly reason: string;
}

/** The whole table. */
export interface ParameterTable {
  readonly groups: readonly { readonly id: string; readonly label: string }[];
  readonly parameters: readonly ParameterSpec[];
  readonly rules: readonly CrossRule[];
  readonly terraform_only: readonly TerraformOnly[];
  readonly stack_only: readonly StackOnlySetting[];
}

/** The parameter table of the deployment kit. */
export const PARAMETER_TABLE: ParameterTable = table as unknown as ParameterTable;

/** Every parameter, in table order. */
export const PARAMETERS: readonly ParameterSpec[] = PARAMETER_TABLE.parameters;

/** Parameters by CDK prop name. */
export const PARAMETERS_BY_CDK: ReadonlyMap<string, ParameterSpec> = new Map(
  PARAMETERS.map((p) => [p.cdk, p]),
);

/** Parameters by canonical (snake_case) name. */
export const PARAMETERS_BY_NAME: ReadonlyMap<string, ParameterSpec> = new Map(
  PARAMETERS.map((p) => [p.name, p]),
);

/** A prop value the table refuses, with every reason found. */
export class QuiltMcpPropsError extends Error {
  /** Creates the error from the list of problems. */
  constructor(readonly problems: readonly string[]) {
    super(`QuiltMcpServer props refused:\n- ${problems.join("\n- ")}`);
    this.name = "QuiltMcpPropsError";
  }
}

/** Whether a parameter must be given (it has no default in the table). */
export function isRequired(spec: ParameterSpec): boolean {
  return !("default" in spec);
}

/** A value's problems against its parameter's type and validation (empty: accepted). */
export function checkValue(spec: ParameterSpec, value: unknown): string[] {
  const name = spec.cdk;
  if (value === undefined || value === null) {
    return isRequired(spec) ? [`${name} is required`] : [];
  }
  const v = spec.validation ?? {};
  const problems: string[] = [];
  const matches = (pattern: string | undefined, s: string) =>
    pattern === undefined || new RegExp(pattern).test(s);
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") return [`${name} must be a string`];
      if (!matches(v.pattern, value)) {
        problems.push(
          `${name} ${JSON.stringify(value)} must match ${v.pattern}`,
        );
      }
      if (v.allowed && !v.allowed.includes(value)) {
        problems.push(`${name} must be one of ${v.allowed.join(", ")}`);
      }
      break;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return [`${name} must be a number`];
      }
      if (v.min !== undefined && value < v.min) {
        problems.push(`${name} must be at least ${v.min}`);
      }
      if (v.max !== undefined && value > v.max) {
        problems.push(`${name} must be at most ${v.max}`);
      }
      if (v.integer && !Number.isInteger(value)) {
        problems.push(`${name} must be an integer`);
      }
      if (v.allowed && !v.allowed.includes(value)) {
        problems.push(`${name} must be one of ${v.allowed.join(", ")}`);
      }
      break;
    case "bool":
      if (typeof value !== "boolean") return [`${name} must be true or false`];
      break;
    case "list(string)": {
      if (!Array.isArray(value) || value.some((x) => typeof x !== "string")) {
        return [`${name} must be a list of strings`];
      }
      const items = value as string[];
      if (v.min_items !== undefined && items.length < v.min_items) {
        problems.push(`${name} needs at least ${v.min_items} item(s)`);
      }
      if (v.max_items !== undefined && items.length > v.max_items) {
        problems.push(`${name} takes at most ${v.max_items} items`);
      }
      for (const item of items) {
        if (!matches(v.pattern, item)) {
          problems.push(
            `${name} item ${JSON.stringify(item)} must match ${v.pattern}`,
          );
        }
        if (v.allowed && !v.allowed.includes(item)) {
          problems.push(
            `${name} item ${JSON.stringify(item)} must be one of ${v.allowed.join(", ")}`,
          );
        }
      }
      if (v.must_contain !== undefined && !items.includes(v.must_contain)) {
        problems.push(`${name} must contain ${v.must_contain}`);
      }
      break;
    }
    case "map(string)": {
      if (typeof value !== "object" || Array.isArray(value)) {
        return [`${name} must be a map`];
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (v.max_items !== undefined && entries.length > v.max_items) {
        problems.push(`${name} takes at most ${v.max_items} entries`);
      }
      for (const [k, item] of entries) {
        if (!matches(v.key_pattern, k)) {
          problems.push(
            `${name} key ${JSON.stringify(k)} must match ${v.key_pattern}`,
          );
        }
        if (typeof item !== "string") {
          problems.push(`${name}.${k} must be a string`);
        } else if (!matches(v.pattern, item)) {
          problems.push(
            `${name}.${k} ${JSON.stringify(item)} must match ${v.pattern}`,
          );
        }
      }
      break;
    }
  }
  return problems;
}

/** Props with every default of the table filled in (unset optional values stay undefined). */
export function withDefaults(
  props: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const spec of PARAMETERS) {
    const given = props[spec.cdk];
    out[spec.cdk] = given !== undefined ? given : (spec.default ?? undefined);
  }
  return out;
}

/** Valid Fargate memory sizes (MiB) per CPU setting (the Terraform module's table). */
export const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1, 4, 1).map((g) => g * 1024),
  1024: range(2, 8, 1).map((g) => g * 1024),
  2048: range(4, 16, 1).map((g) => g * 1024),
  4096: range(8, 30, 1).map((g) => g * 1024),
  8192: range(16, 60, 4).map((g) => g * 1024),
  16384: range(32, 120, 8).map((g) => g * 1024),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
}

/** Whether a role ARN matches an allow-list entry (`*` stands within a path segment). */
export function roleMatches(pattern: string, arn: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(
    /\*/g,
    "[^/:]*",
  );
  return new RegExp(`^${re}$`).test(arn);
}

/**
 * The rules between parameters (Terraform preconditions), on props with defaults filled in.
 * `renderable` says whether a category's policy inputs are all given (policies.ts decides).
 */
export function crossRuleProblems(
  p: Readonly<Record<string, unknown>>,
  unrenderable: readonly string[],
): { id: string; message: string }[] {
  const out: { id: string; message: string }[] = [];
  const add = (id: string, message: string) => out.push({ id, message });
  const num = (k: string) => p[k] as number;
  const list = (k: string) => (p[k] as string[] | undefined) ?? [];
  if (!(num("drainTimeoutSeconds") < num("stopTimeout"))) {
    add(
      "drain_below_stop_timeout",
      "drainTimeoutSeconds must be below stopTimeout",
    );
  }
  if (
    p.authJwksUrl === undefined && p.createHs256Secret !== true &&
    p.authHs256SecretValueFrom === undefined &&
    p.authHs256SecretArn === undefined
  ) {
    add(
      "token_verifier",
      "the server needs a token verifier: authJwksUrl, or an HS256 secret (createHs256Secret, authHs256SecretValueFrom or authHs256SecretArn)",
    );
  }
  if (
    p.createHs256Secret === true && p.authHs256SecretValueFrom !== undefined
  ) {
    add(
      "one_hs256_source",
      "set either createHs256Secret or authHs256SecretValueFrom, not both",
    );
  }
  if ((p.tlsCertificateValueFrom === undefined) !== (p.tlsPrivateKeyValueFrom === undefined)) {
    add(
      "tls_pair",
      "tlsCertificateValueFrom and tlsPrivateKeyValueFrom go together (HTTPS to the task needs both)",
    );
  }
  if (!(FARGATE_MEMORY[num("cpu")] ?? []).includes(num("memory"))) {
    add(
      "fargate_cpu_memory",
      "memory is not a valid Fargate combination with cpu",
    );
  }
  if (p.roleMode === "per-user" && list("allowedRoleArns").length === 0) {
    add("per_user_needs_roles", "roleMode per-user needs allowedRoleArns");
  }
  if (
    p.defaultRoleArn !== undefined &&
    !list("allowedRoleArns").some((r) => roleMatches(r, p.defaultRoleArn as string))
  ) {
    add(
      "default_role_allowed",
      "defaultRoleArn must match one of allowedRoleArns",
    );
  }
  if (num("autoscalingMinCapacity") > num("autoscalingMaxCapacity")) {
    add(
      "autoscaling_bounds",
      "autoscalingMinCapacity must not exceed autoscalingMaxCapacity",
    );
  }
  if (p.roleMode === "single-tenant" && unrenderable.length > 0) {
    add(
      "single_tenant_renderable",
      `single-tenant: these enabled categories lack policy inputs (buckets, athenaOutputLocation, glueDatabases): ${
        unrenderable.join(", ")
      }`,
    );
  }
  if (p.createCluster !== true && p.clusterArn === undefined) {
    add("cluster_source", "set createCluster = true or give clusterArn");
  }
  if (
    list("ingressCidrBlocks").length + list("ingressIpv6CidrBlocks").length +
        list("ingressPrefixListIds").length === 0
  ) {
    add(
      "alb_ingress_source",
      "give at least one ingress source (ingressCidrBlocks, ingressIpv6CidrBlocks or ingressPrefixListIds)",
    );
  }
  if (p.associateWebAcl !== true && p.allowWithoutWaf !== true) {
    add(
      "waf_opt_out",
      "associateWebAcl false leaves the load balancer without a web ACL: keep it, or accept the risk explicitly with allowWithoutWaf true",
    );
  }
  return out;
}

/**
 * Validates props against the table: unknown props, required ones, each value, then the rules
 * between parameters. Returns the props with defaults filled in; throws
 * {@linkcode QuiltMcpPropsError} listing every problem.
 */
export function validateProps(
  props: Readonly<Record<string, unknown>>,
  unrenderableCategories: (p: Readonly<Record<string, unknown>>) => string[],
): Readonly<Record<string, unknown>> {
  const problems: string[] = [];
  for (const key of Object.keys(props)) {
    if (!PARAMETERS_BY_CDK.has(key)) problems.push(`unknown prop ${key}`);
  }
  for (const spec of PARAMETERS) {
    problems.push(...checkValue(spec, props[spec.cdk]));
  }
  if (problems.length > 0) throw new QuiltMcpPropsError(problems);
  const full = withDefaults(props);
  const rules = crossRuleProblems(full, unrenderableCategories(full));
  if (rules.length > 0) {
    throw new QuiltMcpPropsError(rules.map((r) => `${r.id}: ${r.message}`));
  }
  return full;
}
