/** The tool → category map from policies/categories.json (the single source of truth). @module */
import map from "../../policies/categories.json" with { type: "json" };

/** A category as declared in the map. */
export interface CategorySpec {
  readonly description: string;
  readonly writes: boolean;
  readonly default: boolean;
  readonly tools: readonly string[];
  /** MCP resources of the category: URIs, or URI templates (RFC 6570) for families of resources. */
  readonly resources?: readonly string[];
}

/** Every category by name. */
export const CATEGORIES: Readonly<Record<string, CategorySpec>> = map.categories;

/** The category of a tool, or undefined for a tool the map does not know. */
export function categoryOf(tool: string): string | undefined {
  return Object.entries(CATEGORIES).find(([, spec]) => spec.tools.includes(tool))?.[0];
}

/** The category of a resource (its URI or URI template), or undefined when the map does not know it. */
export function categoryOfResource(uri: string): string | undefined {
  return Object.entries(CATEGORIES).find(([, spec]) => spec.resources?.includes(uri))?.[0];
}

/** Every tool of the given categories, in map order. */
export function toolsOf(categories: Iterable<string>): string[] {
  return [...categories].flatMap((c) => CATEGORIES[c]?.tools ?? []);
}
