/** The tool → category map from policies/categories.json (the single source of truth). @module */
import map from "../../policies/categories.json" with { type: "json" };

/** A category as declared in the map. */
export interface CategorySpec {
  readonly description: string;
  readonly writes: boolean;
  readonly default: boolean;
  readonly tools: readonly string[];
}

/** Every category by name. */
export const CATEGORIES: Readonly<Record<string, CategorySpec>> = map.categories;

/** The category of a tool, or undefined for a tool the map does not know. */
export function categoryOf(tool: string): string | undefined {
  return Object.entries(CATEGORIES).find(([, spec]) => spec.tools.includes(tool))?.[0];
}

/** Every tool of the given categories, in map order. */
export function toolsOf(categories: Iterable<string>): string[] {
  return [...categories].flatMap((c) => CATEGORIES[c]?.tools ?? []);
}
