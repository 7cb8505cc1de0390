/** The governance category's tools (policies/categories.json). @module */
export { GOVERNANCE_TOOLS } from "./governance.ts";
export { GOVERNANCE_RESOURCES } from "./governance_resources.ts";
