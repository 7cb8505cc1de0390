/**
 * Sufficiency and minimality of every category policy, decided by the IAM evaluator over the exact
 * authorizations AWS performs for each tool call (tool_calls.ts): resources, s3:prefix conditions
 * and the authorizations Athena performs on the caller's behalf included — the parts the emulator
 * cannot check. emulator_test.ts proves the same policies against moto with IAM enforcement on.
 */
import assert from "node:assert/strict";
import { renderTemplate } from "../../policies/render.ts";
import {
  callersOf,
  categoryTemplate,
  exampleValues,
  loadCategories,
  loadIndex,
  loadPlaceholders,
  type PolicyDocument,
} from "./bundle.ts";
import { type AuthzRequest, evaluate } from "./evaluator.ts";
import {
  actionsOf,
  conditionValueRemovals,
  type Mutation,
  resourceRemovals,
  withoutAction,
} from "./mutations.ts";
import { exampleFixture, outOfScope, toolCalls } from "./tool_calls.ts";
import { listedOrFailing, once } from "../harness/setup.ts";

// Set-up shared by the tests, done on first use inside a test (a failure fails the tests that need
// it, not the whole module).
const setup = once(() => {
  const categories = loadCategories().categories;
  const specs = loadPlaceholders();
  const values = exampleValues(specs);
  const fx = exampleFixture(values);
  return { categories, specs, values, fx, calls: toolCalls(fx) };
});
const render = (template: PolicyDocument) => {
  const { specs, values } = setup();
  return renderTemplate(template as never, specs, values) as unknown as PolicyDocument;
};

/** The category's policy template and its rendering with the example values. */
const policyOf = (category: string) => {
  const template = categoryTemplate(category, loadIndex()) as unknown as PolicyDocument;
  return { template, policy: render(template) };
};

/** Every authorization the category's tools and resources need, labelled by caller and API. */
function needs(category: string): { label: string; request: AuthzRequest }[] {
  const { categories, calls } = setup();
  return callersOf(categories[category]).flatMap((tool) =>
    calls[tool].flatMap((call) =>
      call.aws.map((request) => ({
        label: `${tool} ${call.api} → ${request.action} ${request.resource}`,
        request,
      }))
    )
  );
}

/** The needed authorizations a rendered policy refuses. */
function refused(policy: PolicyDocument, category: string): string[] {
  return needs(category).filter(({ request }) => evaluate([policy], request) !== "allow").map((
    { label },
  ) => label);
}

const categoriesWithPolicies = listedOrFailing(
  "least privilege: the categories with a policy (policies/index.json)",
  () => Object.entries(loadIndex().categories).filter(([, e]) => e.policy !== null).map(([c]) => c),
);

for (const category of categoriesWithPolicies) {
  Deno.test(`least privilege: ${category} allows every authorization its tools need`, () => {
    const { policy } = policyOf(category);
    assert.ok(needs(category).length > 0);
    assert.deepEqual(refused(policy, category), []);
  });

  Deno.test(`least privilege: ${category} grants exactly the actions its tools need`, () => {
    const { policy } = policyOf(category);
    const needed = [...new Set(needs(category).map((n) => n.request.action))].sort();
    assert.deepEqual(actionsOf(policy), needed);
  });

  Deno.test(`least privilege: ${category} refuses requests outside its scope`, () => {
    const { policy } = policyOf(category);
    const requests = outOfScope(setup().fx)[category];
    assert.ok(requests.length >= 3, "each category names out-of-scope requests");
    for (const request of requests) {
      assert.equal(
        evaluate([policy], request),
        "implicit-deny",
        `${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`,
      );
    }
  });

  Deno.test(`least privilege: ${category} is minimal — each action, resource and condition value is needed`, () => {
    const { template } = policyOf(category);
    const mutations: Mutation[] = [
      ...actionsOf(template).map((action) => ({
        label: `without ${action}`,
        policy: withoutAction(template, action),
      })),
      ...resourceRemovals(template),
      ...conditionValueRemovals(template),
    ];
    assert.ok(mutations.length >= actionsOf(template).length);
    for (const { label, policy: mutated } of mutations) {
      assert.ok(
        refused(render(mutated), category).length > 0,
        `${category} ${label}: no tool call breaks, so it is not needed`,
      );
    }
  });
}
