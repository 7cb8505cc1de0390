/** Prints the tool reference (docs/tools.md) in Markdown. @module */
import { toolReference } from "./reference.ts";

console.log(toolReference());
