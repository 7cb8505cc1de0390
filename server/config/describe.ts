/** Prints the configuration schema as JSON, or with --markdown the reference document. @module */
import { describeSettings } from "./load.ts";
import { configurationReference } from "./reference.ts";

if (Deno.args.includes("--markdown")) console.log(configurationReference());
else console.log(JSON.stringify(describeSettings(), null, 2));
