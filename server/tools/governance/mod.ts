/** The governance category's tools (policies/categories.json). @module */
export { GOVERNANCE_TOOLS } from "./governance.ts";
