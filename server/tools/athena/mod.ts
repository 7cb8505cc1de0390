/**
 * athena: bounded Athena queries in the configured workgroup and the Glue Data Catalog behind
 * them. The category is opt-in (queries cost money and write result files).
 * @module
 */
import type { ToolDefinition } from "../common/define.ts";
import { type Clock, SYSTEM_CLOCK } from "./athena_poll.ts";
import { athenaQueryTool } from "./athena_query.ts";
import { GLUE_CATALOG_TOOLS } from "./athena_catalog.ts";
import { TABULATOR_LIST_TOOLS, tabulatorQueryTool } from "./tabulator.ts";

/** Builds the athena category's tools; `clock` times query polling (tests inject a fake one). */
export function createAthenaTools(clock: Clock = SYSTEM_CLOCK): readonly ToolDefinition[] {
  return [
    athenaQueryTool(clock),
    ...GLUE_CATALOG_TOOLS,
    ...TABULATOR_LIST_TOOLS,
    tabulatorQueryTool(clock),
  ];
}

/** Tools of the athena category. */
export const ATHENA_TOOLS: readonly ToolDefinition[] = createAthenaTools();

/** Resources of the athena category. */
export { ATHENA_RESOURCES } from "./athena_resources.ts";
