/**
 * CloudFormation parameters, their console groups and the presence conditions, generated from
 * the parameter table. Lists with a `max_items` become one String parameter whose pattern
 * covers the whole list (CloudFormation cannot count the items of a CommaDelimitedList); maps
 * become `NAME=value;NAME=value` strings (CloudFormation has no map type). Pure.
 * @module
 */
import {
  PARAMETER_TABLE,
  PARAMETERS_BY_NAME,
  type ParameterSpec,
} from "../../cdk/lib/parameters.ts";
import { type Cfn, equals, join, not, ref } from "./intrinsics.ts";

/** Separator of map entries in the CloudFormation encoding. */
export const MAP_SEPARATOR = ";";

/** The parameter spec of a canonical name (throws for an unknown one). */
export function spec(name: string): ParameterSpec {
  const s = PARAMETERS_BY_NAME.get(name);
  if (s === undefined) {
    throw new Error(`no parameter ${name} in modules/parameters.json`);
  }
  return s;
}

/** Whether a list or map is encoded as one String parameter (it has a maximum item count). */
export function isEncodedString(s: ParameterSpec): boolean {
  return s.type === "map(string)" ||
    (s.type === "list(string)" && s.validation?.max_items !== undefined);
}

/**
 * A pattern's body without its anchors, as one group: `^a$|^b$` → `(?:a|b)`. Top-level
 * alternatives are found outside groups, classes and escapes.
 */
export function unanchor(pattern: string): string {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(pattern.slice(start));
  const bodies = parts.map((p) => {
    if (!p.startsWith("^") || !p.endsWith("$") || p.endsWith("\\$")) {
      throw new Error(`pattern alternative is not anchored: ${p}`);
    }
    return p.slice(1, -1);
  });
  return `(?:${bodies.join("|")})`;
}

/** The item pattern of a list parameter (its pattern, or its allowed values), anchored. */
export function itemPattern(s: ParameterSpec): string | undefined {
  const v = s.validation ?? {};
  if (v.pattern !== undefined) return v.pattern;
  if (v.allowed !== undefined) {
    return `^(?:${v.allowed.map((a) => escape(String(a))).join("|")})$`;
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The whole-value pattern of an encoded list or map parameter. */
export function encodedPattern(s: ParameterSpec): string {
  const v = s.validation ?? {};
  const max = v.max_items as number;
  let item: string;
  let sep: string;
  if (s.type === "map(string)") {
    item = `${unanchor(v.key_pattern as string)}=${unanchor(v.pattern as string)}`;
    sep = MAP_SEPARATOR;
  } else {
    item = unanchor(itemPattern(s) as string);
    sep = ",";
  }
  const min = v.min_items ?? 0;
  const list = `${item}(?:${escape(sep)}${item}){${Math.max(0, min - 1)},${max - 1}}`;
  const contains = v.must_contain === undefined
    ? ""
    : `(?=(?:.*${escape(sep)})?${escape(v.must_contain)}(?:${escape(sep)}|$))`;
  return min === 0 && v.must_contain === undefined ? `^$|^${list}$` : `^${contains}${list}$`;
}

/** The CloudFormation parameter declaration of one table row. */
export function parameterDeclaration(
  s: ParameterSpec,
): Record<string, unknown> {
  const v = s.validation ?? {};
  const optional = "default" in s;
  const out: Record<string, unknown> = {};
  const description = s.cloudformation_encoding
    ? `${s.description} ${s.cloudformation_encoding}`
    : s.description;
  switch (s.type) {
    case "string":
      out.Type = "String";
      if (optional) out.Default = s.default ?? "";
      if (v.allowed !== undefined) out.AllowedValues = v.allowed;
      if (v.pattern !== undefined) {
        out.AllowedPattern = s.default === null ? `^$|${v.pattern}` : v.pattern;
      }
      break;
    case "number":
      out.Type = "Number";
      if (optional) out.Default = s.default;
      if (v.allowed !== undefined) out.AllowedValues = v.allowed;
      if (v.min !== undefined) out.MinValue = v.min;
      if (v.max !== undefined) out.MaxValue = v.max;
      break;
    case "bool":
      out.Type = "String";
      if (optional) out.Default = String(s.default);
      out.AllowedValues = ["true", "false"];
      break;
    case "list(string)":
    case "map(string)":
      if (isEncodedString(s)) {
        out.Type = "String";
        if (optional) out.Default = encodeDefault(s);
        out.AllowedPattern = encodedPattern(s);
      } else {
        out.Type = "CommaDelimitedList";
        if (optional) out.Default = (s.default as string[]).join(",");
        const item = itemPattern(s);
        if (item !== undefined) {
          out.AllowedPattern = (v.min_items ?? 0) === 0 ? `^$|${item}` : item;
        }
      }
      break;
  }
  out.Description = description;
  return out;
}

function encodeDefault(s: ParameterSpec): string {
  if (s.type === "map(string)") {
    return Object.entries(s.default as Record<string, string>).map(([k, x]) => `${k}=${x}`)
      .join(MAP_SEPARATOR);
  }
  return (s.default as string[]).join(",");
}

/** Every parameter declaration, in table order. */
export function parameterDeclarations(): Record<string, unknown> {
  return Object.fromEntries(
    PARAMETER_TABLE.parameters.map((
      s,
    ) => [s.cloudformation, parameterDeclaration(s)]),
  );
}

/** The console's parameter groups (AWS::CloudFormation::Interface). */
export function parameterGroups(): unknown {
  return {
    ParameterGroups: PARAMETER_TABLE.groups.map((g) => ({
      Label: { default: g.label },
      Parameters: [...PARAMETER_TABLE.parameters, ...PARAMETER_TABLE.stack_only]
        .filter((p) => p.group === g.id)
        .map((p) => p.cloudformation),
    })).filter((g) => g.Parameters.length > 0),
  };
}

/** The string form of a parameter for presence tests (lists joined). */
export function asString(s: ParameterSpec): Cfn {
  return s.type === "list(string)" && !isEncodedString(s)
    ? join(",", ref(s.cloudformation))
    : ref(s.cloudformation);
}

/** Name of the condition "this optional parameter is set / not empty". */
export function hasCondition(s: ParameterSpec): string {
  return `Has${s.cloudformation}`;
}

/** Name of the condition "this boolean parameter is true". */
export function isCondition(s: ParameterSpec): string {
  return `Is${s.cloudformation}`;
}

/** Presence conditions of every optional string, list and map, truth of every bool. */
export function presenceConditions(): Record<string, Cfn> {
  const out: Record<string, Cfn> = {};
  for (const s of PARAMETER_TABLE.parameters) {
    if (s.type === "bool") {
      out[isCondition(s)] = equals(ref(s.cloudformation), "true");
    } else if (
      s.type !== "number" && (s.default === null || s.type !== "string")
    ) {
      out[hasCondition(s)] = not(equals(asString(s), ""));
    }
  }
  return out;
}
