/** Every alarm tells the operator which runbook answers it, and that runbook exists. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";

Deno.test("alarms: each alarm description names an existing runbook", () => {
  const tf = Deno.readTextFileSync(join(REPO_ROOT, "modules", "observability", "alarms.tf"));
  const descriptions = [...tf.matchAll(/alarm_description\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
  assert(descriptions.length >= 6, "the observability module defines its alarms");
  const missing = descriptions.filter((d) => {
    const runbook = /Runbook: (runbooks\/[a-z0-9-]+\.md)/.exec(d)?.[1];
    return !runbook || !existsSync(join(REPO_ROOT, runbook));
  });
  assertEquals(missing, []);
});
