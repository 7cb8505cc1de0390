/**
 * Generated documents are up to date: each is regenerated from its source (the config schema, the
 * auth test matrix, the tool registry, the bench results for the capacity model) and formatted
 * exactly as `make docs` writes it, then compared with the file.
 */
import { join } from "node:path";
import { assertEquals, DENO, REPO_ROOT } from "../harness/mod.ts";
import { replaceSection } from "../../bench/capacity.ts";

/** Formats Markdown the way `deno fmt` formats the committed file. */
export async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(DENO, {
    args: ["fmt", "--ext", "md", "-"],
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** Runs a generator script and returns its stdout. */
export async function generate(script: string, args: string[] = []): Promise<string> {
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", script, ...args],
    cwd: REPO_ROOT,
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(out.stdout);
}

Deno.test("docs/configuration.md matches the config schema (run `make docs` after changing a setting)", async () => {
  const expected = await formatMarkdown(
    await generate("server/config/describe.ts", ["--markdown"]),
  );
  const actual = await Deno.readTextFile(join(REPO_ROOT, "docs", "configuration.md"));
  assertEquals(actual, expected);
});

Deno.test("docs/auth-test-matrix.md matches tests/server/auth_cases.ts (run `make docs` after changing a case)", async () => {
  const expected = await formatMarkdown(await generate("tests/docs/render_auth_matrix.ts"));
  const actual = await Deno.readTextFile(join(REPO_ROOT, "docs", "auth-test-matrix.md"));
  assertEquals(actual, expected);
});

Deno.test("docs/tools.md matches the tool registry and category map (run `make docs` after changing a tool)", async () => {
  const expected = await formatMarkdown(
    await generate("tests/docs/render_python_mapping.ts", ["--tools"]),
  );
  const actual = await Deno.readTextFile(join(REPO_ROOT, "docs", "tools.md"));
  assertEquals(actual, expected);
});

Deno.test("docs/deployment.md's capacity model matches bench/RESULTS.md and the module defaults (run `make docs` after a bench run)", async () => {
  const actual = await Deno.readTextFile(join(REPO_ROOT, "docs", "deployment.md"));
  const out = await new Deno.Command(DENO, {
    args: ["run", "--allow-read", "bench/capacity.ts"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const section = new TextDecoder().decode(out.stdout).trimEnd();
  assertEquals(actual, await formatMarkdown(replaceSection(actual, section)));
  // `make docs` is what rewrites it.
  const makefile = await Deno.readTextFile(join(REPO_ROOT, "Makefile"));
  assertEquals(
    /^docs:.*\n(?:\t.*\n)*\t.*bench\/capacity\.ts --write docs\/deployment\.md\n/m.test(makefile),
    true,
    "make docs runs bench/capacity.ts --write docs/deployment.md",
  );
});
