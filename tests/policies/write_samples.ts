/**
 * Regenerates the composed samples in `policies/samples/` from their categories (index.json
 * `compose`). Run `deno run -A tests/policies/write_samples.ts` after changing a category policy;
 * samples_test.ts fails while a sample and its composition differ.
 * @module
 */
import { join } from "node:path";
import { composeSample, loadIndex, POLICIES_DIR } from "./bundle.ts";

if (import.meta.main) {
  const index = loadIndex();
  for (const [name, sample] of Object.entries(index.samples)) {
    if (!sample.compose) continue;
    const text = JSON.stringify(composeSample(name, index), null, 2) + "\n";
    Deno.writeTextFileSync(join(POLICIES_DIR, sample.file), text);
    console.log(`wrote policies/${sample.file}`);
  }
}
