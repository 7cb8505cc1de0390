/**
 * The parity fixture in each flavour's spelling: CDK props, CloudFormation parameter values,
 * Terraform module inputs (via modules/parameters.json). @module
 */
import fixture from "./fixture.json" with { type: "json" };
import {
  PARAMETERS,
  PARAMETERS_BY_NAME,
  type ParameterSpec,
} from "../../modules/cdk/lib/parameters.ts";
import { MAP_SEPARATOR } from "../../modules/cloudformation/lib/parameters.ts";

/** The fixture: canonical parameter name → value. */
export const FIXTURE: Readonly<Record<string, unknown>> = Object.fromEntries(
  Object.entries(fixture).filter(([k]) => !k.startsWith("$")),
);

/** Canonical values → CDK props. */
export function cdkProps(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = PARAMETERS_BY_NAME.get(name);
    if (spec === undefined) throw new Error(`fixture names unknown parameter ${name}`);
    if (value !== null) out[spec.cdk] = value;
  }
  return out;
}

/** One canonical value in CloudFormation's parameter spelling. */
export function cfnValue(spec: ParameterSpec, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (spec.type === "map(string)") {
    return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(
      MAP_SEPARATOR,
    );
  }
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/** Canonical values → CloudFormation parameter values. */
export function cfnParameters(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = PARAMETERS_BY_NAME.get(name);
    if (spec === undefined) throw new Error(`unknown parameter ${name}`);
    out[spec.cloudformation] = cfnValue(spec, value);
  }
  return out;
}

/** Canonical values → inputs per Terraform module (`module.variable` of the table). */
export function terraformInputs(
  values: Readonly<Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of PARAMETERS) {
    if (!(spec.name in values)) continue;
    for (const target of spec.terraform) {
      const [module, variable] = target.split(".");
      (out[module] ??= {})[variable] = values[spec.name];
    }
  }
  return out;
}
