/**
 * One example through the whole life a platform team gives it, against a moto server: apply,
 * read the resources back through the AWS SDK and assert their security properties, plan again
 * (only the documented emulator gaps may differ), destroy, and check that nothing is left but what
 * AWS keeps by design. Returns the figures the suite reports.
 * @module
 */
import { assert, assertEquals } from "../harness/assert.ts";
import { startMoto } from "../harness/moto.ts";
import type { Moto } from "../harness/moto.ts";
import { expectedDiffLines } from "./emulator_gaps.ts";
import { added, inventory } from "./inventory.ts";
import { planDiffLines } from "./plan_diff.ts";
import { Checks } from "./read_back.ts";
import { type AppliedState, readState } from "./state.ts";
import { openWorkspace } from "./workspace.ts";

/** Resource kinds AWS keeps after a delete, by design, with their state after the destroy. */
export const KEPT_BY_DESIGN = [
  // A deleted KMS key waits out its deletion window (7-30 days), recoverable until then.
  "kms:key(PendingDeletion)",
  // Deregistering a task definition revision leaves it INACTIVE (running tasks may still use it).
  "ecs:task-definition(INACTIVE)",
  // A deleted cluster or service stays discoverable as INACTIVE for a while (ECS API reference,
  // DeleteCluster and DeleteService); neither runs anything nor costs anything.
  "ecs:cluster(INACTIVE)",
  "ecs:service(INACTIVE)",
] as const;

/** What an example needs to run: its inputs and its read-back checks. */
export interface ExampleSpec {
  readonly example: string;
  /** Creates the customer's existing resources and returns the example's inputs. */
  prepare(moto: Moto): Promise<Record<string, unknown>>;
  /** The security properties of the applied example. */
  readBack(moto: Moto, state: AppliedState, checks: Checks): Promise<void>;
}

/** The figures of one example's run. */
export interface ExampleReport {
  readonly example: string;
  readonly resourcesCreated: number;
  readonly propertiesAsserted: string[];
  readonly secondPlanDiffs: string[];
  readonly keptAfterDestroy: string[];
  readonly seconds: {
    apply: number;
    readBack: number;
    plan: number;
    destroy: number;
    total: number;
  };
}

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

/** Applies, checks, re-plans and destroys one example; throws on any broken property. */
export async function runExample(spec: ExampleSpec): Promise<ExampleReport> {
  const started = performance.now();
  await using moto = await startMoto({ patches: ["application-autoscaling-tags"] });
  const inputs = await spec.prepare(moto);
  const baseline = await inventory(moto);
  await using ws = await openWorkspace(spec.example, inputs, moto);
  await ws.terraform(["init", "-input=false", "-no-color"]);

  let t = performance.now();
  await ws.terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
  const applySeconds = seconds(t);
  const state = await readState(ws);
  const created = added(baseline, await inventory(moto));

  t = performance.now();
  const checks = new Checks();
  await spec.readBack(moto, state, checks);
  const readBackSeconds = seconds(t);

  t = performance.now();
  await ws.terraform(["plan", "-input=false", "-no-color", "-out=second.tfplan"]);
  const plan = JSON.parse((await ws.terraform(["show", "-json", "second.tfplan"])).stdout);
  const secondPlanDiffs = planDiffLines(plan);
  const planSeconds = seconds(t);
  assertEquals(
    secondPlanDiffs,
    expectedDiffLines(spec.example),
    "the second plan must show exactly the documented emulator gaps (tests/apply/emulator_gaps.ts)",
  );

  t = performance.now();
  await ws.terraform(["destroy", "-auto-approve", "-input=false", "-no-color"]);
  const destroySeconds = seconds(t);
  const left = (await ws.terraform(["state", "list", "-no-color"], { allowExitCodes: [0] })).stdout;
  assertEquals(left.trim(), "", "terraform destroy left resources in the state");
  const kept = added(baseline, await inventory(moto));
  const unexpected = kept.filter((l) => !KEPT_BY_DESIGN.some((k) => l.startsWith(`${k} `)));
  assertEquals(unexpected, [], "destroy must leave nothing but what AWS keeps by design");
  // Every key the apply created is now waiting out its window, not still enabled.
  const keysCreated = created.filter((l) => l.startsWith("kms:key(")).map((l) => l.split(" ")[1]);
  const keysKept = kept.filter((l) => l.startsWith("kms:key(")).map((l) => l.split(" ")[1]);
  assertEquals(keysKept.sort(), keysCreated.sort());
  assert(keysCreated.length > 0, "the example creates its own KMS keys");

  return {
    example: spec.example,
    resourcesCreated: state.resources.length,
    propertiesAsserted: checks.proved,
    secondPlanDiffs,
    keptAfterDestroy: kept,
    seconds: {
      apply: applySeconds,
      readBack: readBackSeconds,
      plan: planSeconds,
      destroy: destroySeconds,
      total: seconds(started),
    },
  };
}

/** Prints a report as one JSON line (the suite's output says what was proved and how fast). */
export function printReport(report: ExampleReport): void {
  console.log(`apply-suite report ${JSON.stringify(report)}`);
}
