/**
 * Calls to the Quilt catalog's GraphQL API with the caller's own catalog credential (the same
 * registry and credential catalog_search uses), and the catalog's answers for mutations: a union of
 * the result type, `InvalidInput` (field errors) and `OperationError`, turned into clear tool
 * errors. The catalog decides who may do what (administrator-only operations answer Forbidden);
 * this server only relays, so nothing here works with AWS credentials alone.
 * @module
 */
import type { ToolEnv } from "./define.ts";
import { ToolError } from "./errors.ts";
import { registryGraphql, registryTokenOf, registryUrlOf } from "./catalog_registry.ts";

/** Selections of the error members of a mutation result union. */
export const MUTATION_ERRORS = `
    ... on InvalidInput { errors { path message name } }
    ... on OperationError { message name }`;

/** Runs one GraphQL document as the caller; a refusal for lack of rights says so plainly. */
export async function catalogGraphql(
  env: ToolEnv,
  document: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const registry = await registryUrlOf(env.deps, env.context);
  const token = await registryTokenOf(env.context, registry);
  try {
    return await registryGraphql(env.deps, registry, token, document, variables);
  } catch (e) {
    if (
      e instanceof ToolError && e.code === "catalog_error" &&
      /forbidden|not authori[sz]ed|permission|admin/i.test(e.message)
    ) {
      throw new ToolError(
        "catalog_forbidden",
        `The Quilt catalog refused this for your catalog account (${
          e.message.replace(/^The Quilt registry reported: /, "")
        }). Administration needs a catalog administrator's sign-in.`,
      );
    }
    throw e;
  }
}

/** Follows `path` (field names) into a GraphQL answer. */
export function dig(data: Record<string, unknown>, ...path: string[]): unknown {
  let node: unknown = data;
  for (const key of path) node = (node as Record<string, unknown> | null | undefined)?.[key];
  return node;
}

/**
 * A mutation result: the value itself when its `__typename` is one of `ok`, else a ToolError with
 * the catalog's InvalidInput or OperationError message.
 */
export function mutationResult(
  result: unknown,
  ok: readonly string[],
  what: string,
): Record<string, unknown> {
  const r = result as Record<string, unknown> | null | undefined;
  if (r === null || r === undefined) throw new ToolError("not_found", `Not found: ${what}.`);
  const type = r.__typename;
  if (typeof type === "string" && ok.includes(type)) return r;
  if (type === "InvalidInput") {
    const errors = (r.errors as Array<{ path?: string; message?: string }> | undefined) ?? [];
    throw new ToolError(
      "invalid_input",
      `The catalog refused ${what}: ${
        errors.map((e) => `${e.path ? `${e.path}: ` : ""}${e.message ?? "invalid"}`).join("; ") ||
        "invalid input"
      }.`,
    );
  }
  if (type === "OperationError") {
    throw new ToolError(
      "catalog_error",
      `The catalog could not complete ${what}: ${String(r.message ?? r.name ?? "error")}.`,
    );
  }
  throw new ToolError(
    "catalog_error",
    `The catalog answered ${what} with an unexpected ${String(type)}.`,
  );
}
