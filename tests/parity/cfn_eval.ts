// deno-lint-ignore-file no-explicit-any -- walks untyped JSON (templates, plans) of any shape
/**
 * A CloudFormation template evaluator for the parity tests: checks parameter values against
 * their declared constraints and the template's Rules (what CloudFormation refuses before it
 * creates anything), then resolves conditions and intrinsic functions for those values. References
 * to resources stay symbolic (`{ref: "LogicalId"}`, `{getAtt: ["Id", "Attr"]}`), so the result
 * is the template as CloudFormation would submit it, minus the values only AWS knows.
 * @module
 */

/** Values of the pseudo parameters the tests deploy with. */
export const PSEUDO: Readonly<Record<string, string>> = {
  "AWS::AccountId": "123456789012",
  "AWS::Region": "us-east-1",
  "AWS::Partition": "aws",
  "AWS::URLSuffix": "amazonaws.com",
  "AWS::StackName": "quilt-mcp",
};

/** A template as JSON. */
export type Template = Record<string, any>;

/** Why CloudFormation would refuse the parameter values (empty: accepted). */
export function parameterErrors(template: Template, given: Record<string, string>): string[] {
  const errors: string[] = [];
  const params = template.Parameters ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in params)) errors.push(`unknown parameter ${name}`);
  }
  for (const [name, p] of Object.entries<any>(params)) {
    const value = name in given
      ? given[name]
      : p.Default === undefined
      ? undefined
      : String(p.Default);
    if (value === undefined) {
      errors.push(`${name}: no value and no default`);
      continue;
    }
    const items = p.Type === "CommaDelimitedList" ? value.split(",") : [value];
    for (const item of items) {
      if (p.AllowedPattern !== undefined && !new RegExp(p.AllowedPattern).test(item)) {
        errors.push(`${name}: ${JSON.stringify(item)} does not match ${p.AllowedPattern}`);
      }
      if (p.AllowedValues !== undefined && !p.AllowedValues.map(String).includes(item)) {
        errors.push(`${name}: ${JSON.stringify(item)} is not one of ${p.AllowedValues}`);
      }
    }
    if (p.Type === "Number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) errors.push(`${name}: not a number`);
      if (p.MinValue !== undefined && n < p.MinValue) errors.push(`${name}: below ${p.MinValue}`);
      if (p.MaxValue !== undefined && n > p.MaxValue) errors.push(`${name}: above ${p.MaxValue}`);
    }
  }
  if (errors.length > 0) return errors;
  const values = resolvedParameters(template, given);
  for (const [name, rule] of Object.entries<any>(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && !ruleValue(rule.RuleCondition, values)) continue;
    for (const a of rule.Assertions) {
      if (!ruleValue(a.Assert, values)) errors.push(`rule ${name}: ${a.AssertDescription}`);
    }
  }
  return errors;
}

/** Parameter values with defaults applied; CommaDelimitedList values as arrays. */
export function resolvedParameters(
  template: Template,
  given: Record<string, string>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    const value = name in given ? given[name] : String(p.Default ?? "");
    out[name] = p.Type === "CommaDelimitedList" ? value.split(",") : value;
  }
  return out;
}

function ruleValue(node: any, values: Record<string, string | string[]>): any {
  if (typeof node !== "object" || node === null) return node;
  if (Array.isArray(node)) return node.map((n) => ruleValue(n, values));
  const [fn, arg] = Object.entries(node)[0] as [string, any];
  switch (fn) {
    case "Ref":
      return values[arg] ?? PSEUDO[arg];
    case "Fn::Equals":
      return String(ruleValue(arg[0], values)) === String(ruleValue(arg[1], values));
    case "Fn::Not":
      return !ruleValue(arg[0], values);
    case "Fn::And":
      return arg.every((a: any) => ruleValue(a, values));
    case "Fn::Or":
      return arg.some((a: any) => ruleValue(a, values));
    case "Fn::Contains":
      return (ruleValue(arg[0], values) as string[]).map(String).includes(
        String(ruleValue(arg[1], values)),
      );
    case "Fn::EachMemberEquals":
      return (ruleValue(arg[0], values) as string[]).every((v) => v === ruleValue(arg[1], values));
    case "Fn::EachMemberIn": {
      const allowed = (ruleValue(arg[1], values) as string[]).map(String);
      return (ruleValue(arg[0], values) as string[]).every((v) => allowed.includes(v));
    }
    default:
      throw new Error(`rule function ${fn} not supported by the evaluator`);
  }
}

/** A resolved template: resources and outputs that exist for these values, intrinsics applied. */
export interface Evaluated {
  readonly conditions: Record<string, boolean>;
  readonly resources: Record<string, { Type: string; Properties: any; [k: string]: any }>;
  readonly outputs: Record<string, any>;
}

const NO_VALUE = Symbol("AWS::NoValue");

/** Resolves the template for the given parameter values (which must be accepted). */
export function evaluate(template: Template, given: Record<string, string> = {}): Evaluated {
  const params = resolvedParameters(template, given);
  const conditionDefs = template.Conditions ?? {};
  const conditions: Record<string, boolean> = {};
  const condition = (name: string): boolean => {
    if (!(name in conditions)) {
      if (!(name in conditionDefs)) throw new Error(`unknown condition ${name}`);
      conditions[name] = Boolean(resolve(conditionDefs[name]));
    }
    return conditions[name];
  };
  const resource = (name: string) => name in (template.Resources ?? {});
  const resolve = (node: any): any => {
    if (Array.isArray(node)) return node.map(resolve).filter((v) => v !== NO_VALUE);
    if (node === null || typeof node !== "object") return node;
    const keys = Object.keys(node);
    if (
      keys.length === 1 &&
      (keys[0] === "Ref" || keys[0].startsWith("Fn::") || keys[0] === "Condition")
    ) {
      return intrinsic(keys[0], node[keys[0]]);
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };
  const intrinsic = (fn: string, arg: any): any => {
    switch (fn) {
      case "Ref":
        if (arg === "AWS::NoValue") return NO_VALUE;
        if (arg in params) return params[arg];
        if (arg in PSEUDO) return PSEUDO[arg];
        if (resource(arg)) return { ref: arg };
        throw new Error(`Ref to unknown ${arg}`);
      case "Condition":
        return condition(arg);
      case "Fn::GetAtt": {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(".");
        if (!resource(id)) throw new Error(`GetAtt of unknown ${id}`);
        return { getAtt: [id, attr] };
      }
      case "Fn::If":
        return condition(arg[0]) ? resolve(arg[1]) : resolve(arg[2]);
      case "Fn::Equals":
        return JSON.stringify(resolve(arg[0])) === JSON.stringify(resolve(arg[1])) ||
          String(resolve(arg[0])) === String(resolve(arg[1]));
      case "Fn::Not":
        return !resolve(arg[0]);
      case "Fn::And":
        return arg.every((a: any) => resolve(a));
      case "Fn::Or":
        return arg.some((a: any) => resolve(a));
      case "Fn::Join": {
        const items = resolve(arg[1]);
        if (!Array.isArray(items)) throw new Error(`Join of a non-list: ${JSON.stringify(arg)}`);
        return items.every((i) => typeof i === "string" || typeof i === "number")
          ? items.join(arg[0])
          : { join: [arg[0], items] };
      }
      case "Fn::Split": {
        const source = resolve(arg[1]);
        if (typeof arg[0] !== "string") throw new Error("Split delimiter must be a literal");
        return typeof source === "string" ? source.split(arg[0]) : { split: [arg[0], source] };
      }
      case "Fn::Select": {
        const list = resolve(arg[1]);
        const index = Number(resolve(arg[0]));
        if (!Array.isArray(list)) return { select: [index, list] };
        if (index >= list.length) {
          throw new Error(`Select ${index} out of range: ${JSON.stringify(list)}`);
        }
        return list[index];
      }
      case "Fn::Sub": {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const resolvedVars: Record<string, any> = {};
        for (const [k, v] of Object.entries(vars ?? {})) resolvedVars[k] = resolve(v);
        return substitute(text, resolvedVars);
      }
      case "Fn::FindInMap": {
        const [map, top, second] = arg.map(resolve);
        const value = template.Mappings?.[map]?.[top]?.[second];
        if (value === undefined) throw new Error(`FindInMap ${map}.${top}.${second} missing`);
        return value;
      }
      case "Fn::GetAZs":
        return ["us-east-1a", "us-east-1b"];
      default:
        throw new Error(`intrinsic ${fn} not supported by the evaluator`);
    }
  };
  const substitute = (text: string, vars: Record<string, any>): any => {
    const parts: any[] = [];
    let last = 0;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      parts.push(text.slice(last, m.index));
      last = m.index! + m[0].length;
      const name = m[1];
      if (name.startsWith("!")) parts.push(`\${${name.slice(1)}}`);
      else if (name in vars) parts.push(vars[name]);
      else if (name in params) parts.push(params[name]);
      else if (name in PSEUDO) parts.push(PSEUDO[name]);
      else if (name.includes(".")) parts.push(intrinsic("Fn::GetAtt", name));
      else if (resource(name)) parts.push({ ref: name });
      else throw new Error(`Sub variable ${name} unknown`);
    }
    parts.push(text.slice(last));
    return parts.every((p) => typeof p === "string" || typeof p === "number")
      ? parts.join("")
      : { join: ["", parts.filter((p) => p !== "")] };
  };
  for (const name of Object.keys(conditionDefs)) condition(name);
  const resources: Evaluated["resources"] = {};
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Condition !== undefined && !condition(r.Condition)) continue;
    resources[id] = { ...r, Properties: resolve(r.Properties ?? {}) };
    // Under AWS::LanguageExtensions these may be intrinsic functions (Fn::If on a condition).
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"]) {
      if (r[policy] !== undefined) resources[id][policy] = resolve(r[policy]);
    }
  }
  const outputs: Record<string, any> = {};
  for (const [id, o] of Object.entries<any>(template.Outputs ?? {})) {
    if (o.Condition !== undefined && !condition(o.Condition)) continue;
    outputs[id] = resolve(o.Value);
  }
  return { conditions, resources, outputs };
}

/**
 * A resolved template back as a CloudFormation template checkov and cfn-lint can read: the
 * resources the conditions kept (Metadata included), symbolic references as Ref/GetAtt.
 */
export function resolvedAsTemplate(t: Evaluated): Template {
  const back = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(back);
    if (node !== null && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if ("ref" in o) return { Ref: o.ref };
      if ("getAtt" in o) return { "Fn::GetAtt": o.getAtt };
      if ("join" in o) return { "Fn::Join": back(o.join) };
      if ("split" in o) return { "Fn::Split": back(o.split) };
      if ("select" in o) return { "Fn::Select": back(o.select) };
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, back(v)]));
    }
    return node;
  };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: Object.fromEntries(
      Object.entries(t.resources).map(([id, r]) => [id, back({ ...r, Condition: undefined })]),
    ),
  } as Template;
}

/** Reads a CloudFormation YAML or JSON file as cfn-lint's decoder does (short forms included). */
export async function readTemplate(path: string, python: string): Promise<Template> {
  const { code, stdout, stderr } = await new Deno.Command(python, {
    args: [
      "-c",
      "import json,sys\nfrom cfnlint.decode import decode\nt,m = decode(sys.argv[1])\nif m: sys.exit(str(m))\nprint(json.dumps(t, default=str))",
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`cannot decode ${path}: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}
