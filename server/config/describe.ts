/** Prints the configuration schema as JSON (for docs and the IaC parity tests). @module */
import { describeSettings } from "./load.ts";

console.log(JSON.stringify(describeSettings(), null, 2));
