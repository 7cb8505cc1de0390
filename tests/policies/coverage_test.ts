/**
 * Coverage: the category map, the bundle index, the policy files on disk, the placeholders and
 * the per-tool call list all describe the same set of tools, categories and files.
 *
 * The check "the server's registered tools equal the map" belongs here too; it is added when the
 * server's tool registry (server/tools/registry.ts) exists.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findPlaceholders } from "../../policies/render.ts";
import {
  callersOf,
  exampleValues,
  loadCategories,
  loadIndex,
  loadPlaceholders,
  POLICIES_DIR,
  policyFilesOnDisk,
  readPolicyJson,
  renderFile,
  templateFiles,
} from "./bundle.ts";
import { exampleFixture, toolCalls } from "./tool_calls.ts";
import { once } from "../harness/setup.ts";

// Set-up shared by the tests, done on first use inside a test (a failure fails the tests
// that need it, not the whole module).
const setup = once(() => {
  const categories = loadCategories().categories;
  const index = loadIndex();
  const allTools = Object.values(categories).flatMap((c) => c.tools);
  const allCallers = Object.values(categories).flatMap(callersOf);
  return { categories, index, allTools, allCallers };
});

Deno.test("coverage: every tool and resource belongs to exactly one category", () => {
  const { categories, allTools } = setup();
  assert.ok(allTools.length > 0);
  const seen = new Map<string, string>();
  for (const [category, spec] of Object.entries(categories)) {
    for (const tool of spec.tools) assert.match(tool, /^[a-z][a-z0-9_]*$/);
    for (const uri of spec.resources ?? []) assert.match(uri, /^[a-z][a-z0-9+]*:\/\/\S+$/);
    for (const caller of callersOf(spec)) {
      assert.ok(!seen.has(caller), `${caller} is in ${seen.get(caller)} and ${category}`);
      seen.set(caller, category);
    }
  }
});

Deno.test("coverage: every category has a policy file, or null with a reason and no AWS calls", () => {
  const { categories, index } = setup();
  assert.deepEqual(Object.keys(index.categories).sort(), Object.keys(categories).sort());
  const calls = toolCalls(exampleFixture());
  for (const [category, entry] of Object.entries(index.categories)) {
    const callCount = callersOf(categories[category]).reduce((n, t) => n + calls[t].length, 0);
    if (entry.policy === null) {
      assert.ok((entry.reason ?? "").length > 20, `${category}: a null policy needs its reason`);
      assert.equal(callCount, 0, `${category} has no policy but its tools call AWS`);
    } else {
      assert.equal(
        entry.policy,
        `${category}.json`,
        "category policies are policies/<category>.json",
      );
      assert.ok(existsSync(join(POLICIES_DIR, entry.policy)), `${entry.policy} is missing`);
      assert.ok(callCount > 0, `${category} has a policy but its tools make no AWS call`);
    }
  }
});

Deno.test("coverage: the call list covers exactly the tools and resources of the map", () => {
  const { allCallers } = setup();
  const calls = toolCalls(exampleFixture());
  assert.deepEqual(Object.keys(calls).sort(), [...allCallers].sort());
  for (const [tool, list] of Object.entries(calls)) {
    for (const call of list) assert.equal(call.tool, tool, `${call.api} is filed under ${tool}`);
  }
});

Deno.test("coverage: no policy file on disk is missing from the index, none indexed is missing", () => {
  const { index } = setup();
  assert.deepEqual(policyFilesOnDisk(), [...templateFiles(index)].sort());
});

Deno.test("coverage: every placeholder is declared and used; every declared one is used", () => {
  const { index } = setup();
  const specs = loadPlaceholders();
  const used = new Set(templateFiles(index).flatMap((f) => findPlaceholders(readPolicyJson(f))));
  assert.deepEqual([...used].sort(), Object.keys(specs).sort());
  for (const [name, spec] of Object.entries(specs)) {
    assert.ok(["string", "list"].includes(spec.type), `${name}: type`);
    assert.ok(spec.description.length > 20, `${name}: description`);
    assert.equal(
      Array.isArray(spec.example),
      spec.type === "list",
      `${name}: example matches type`,
    );
    if (spec.type === "list") assert.equal(typeof spec.min_items, "number", `${name}: min_items`);
  }
  // Every template renders with the examples (no placeholder left behind).
  for (const f of templateFiles(index)) {
    const text = JSON.stringify(renderFile(f, exampleValues(specs)));
    assert.doesNotMatch(text, /\$\{[a-z][a-z0-9_]*\}/, f);
  }
});

Deno.test("coverage: unscopable and no-permission entries name real tools, categories and policies", () => {
  const { categories, index } = setup();
  for (const entry of [...index.unscopable, ...index.no_permission_required]) {
    assert.ok(categories[entry.category], `${entry.action}: unknown category ${entry.category}`);
    for (const caller of [...entry.tools, ...(entry.resources ?? [])]) {
      assert.ok(
        callersOf(categories[entry.category]).includes(caller),
        `${caller} not in ${entry.category}`,
      );
    }
    assert.ok(entry.reason.length > 40, `${entry.action}: reason`);
  }
  for (const entry of index.unscopable) {
    const policy = renderFile(index.categories[entry.category].policy!);
    const stars = policy.Statement.filter((s) =>
      s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*"))
    );
    assert.ok(
      stars.some((s) => [s.Action].flat().includes(entry.action)),
      `${entry.action} is not granted on "*"`,
    );
  }
  // No permission is granted for an action AWS does not authorize.
  for (const entry of index.no_permission_required) {
    for (const f of templateFiles(index)) {
      assert.ok(
        !JSON.stringify(readPolicyJson(f)).includes(`"${entry.action}"`),
        `${f} grants ${entry.action}`,
      );
    }
  }
});

Deno.test("coverage: samples name known categories and files", () => {
  const { categories, index } = setup();
  for (const [name, sample] of Object.entries(index.samples)) {
    assert.equal(sample.file, `samples/${name}.json`);
    for (const c of [...sample.categories, ...(sample.compose ?? [])]) {
      assert.ok(categories[c], `${name}: ${c}`);
    }
    for (const c of sample.compose ?? []) {
      assert.ok(sample.categories.includes(c), `${name}: composes ${c} but does not list it`);
    }
  }
});

Deno.test("coverage: the README documents every category, tool, placeholder and granted action", () => {
  const { categories, index, allCallers } = setup();
  const readme = Deno.readTextFileSync(join(POLICIES_DIR, "README.md"));
  for (const category of Object.keys(categories)) {
    assert.ok(readme.includes(category), `category ${category}`);
  }
  for (const tool of allCallers) {
    assert.ok(readme.includes(`\`${tool}\``), `tool or resource ${tool}`);
  }
  for (const name of Object.keys(loadPlaceholders())) {
    assert.ok(readme.includes(`\`${name}\``), `placeholder ${name}`);
  }
  const actions = new Set(
    templateFiles(index).flatMap((f) =>
      renderFile(f).Statement.flatMap((s) => [s.Action ?? []].flat())
    ),
  );
  for (const action of actions) {
    const [service, name] = action.split(":");
    assert.ok(readme.includes(action) || readme.includes(name), `action ${service}:${name}`);
  }
});
