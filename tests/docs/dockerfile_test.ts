/**
 * The container image agrees with what the Terraform module runs and with the server: the binary
 * at the module's `healthcheck_binary`, the module's non-root `container_user`, the module's and the
 * schema's port, a health check through the binary's own `healthcheck` command, the permission
 * flags of server/permissions.txt, only real settings in ENV, a minimal non-root base, and a build
 * context that contains every file the server imports. (No Docker engine is needed: the Dockerfile
 * is read, not built; the release workflow builds it.)
 */
import { dirname, join, normalize, relative } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { SETTINGS } from "../../server/config/schema.ts";
import { filesUnder, readRepo } from "./doc_scan.ts";
import { once } from "../harness/setup.ts";

// Read on first use, inside a test: a missing Dockerfile fails the tests, not the module.
const dockerfile = once(() => readRepo("Dockerfile"));
const runtimeStage = once(() => dockerfile().slice(dockerfile().lastIndexOf("\nFROM ")));

function moduleDefault(file: string, variable: string): string {
  const block = new RegExp(`variable "${variable}" \\{[\\s\\S]*?default\\s*=\\s*("?)([^"\\n]*)\\1`)
    .exec(readRepo(file));
  if (!block) throw new Error(`${file} has no default for ${variable}`);
  return block[2];
}

function instruction(name: string): string[] {
  return [...runtimeStage().matchAll(new RegExp(`^${name}\\s+(.+)$`, "gm"))].map((m) =>
    m[1].trim()
  );
}

Deno.test("Dockerfile: binary path, user, port and health check match modules/mcp-server", () => {
  const binary = moduleDefault("modules/mcp-server/variables.tf", "healthcheck_binary");
  const user = moduleDefault("modules/mcp-server/variables.tf", "container_user");
  const port = moduleDefault("modules/mcp-server/variables.tf", "port");
  assertEquals(instruction("USER"), [user]);
  assertEquals(instruction("EXPOSE"), [port]);
  assertEquals(SETTINGS.find((s) => s.key === "port")!.default, port);
  assert(new RegExp(`COPY --from=build [^\\n]* ${binary}\\n`).test(runtimeStage()), "binary path");
  assertEquals(instruction("ENTRYPOINT"), [JSON.stringify([binary]).replace(/,/g, ", ")]);
  assert(
    /HEALTHCHECK [^\n]*\\\n\s*CMD \["\/quilt-mcp", "healthcheck"\]/.test(runtimeStage()) &&
      binary === "/quilt-mcp",
    "HEALTHCHECK runs the binary's own healthcheck command",
  );
});

Deno.test("Dockerfile: minimal non-root base, no writes, only real settings in ENV", () => {
  assert(
    /^FROM gcr\.io\/distroless\/cc-debian12:nonroot$/m.test(runtimeStage()),
    "distroless base",
  );
  assert(!/^RUN /m.test(runtimeStage()), "the runtime stage runs nothing (no shell in the image)");
  assert(!/^VOLUME /m.test(runtimeStage()), "no volume: the root filesystem stays read-only");
  const envBlock = /^ENV ([\s\S]*?)(?=\n[A-Z]+ |\n#)/m.exec(runtimeStage())?.[1] ?? "";
  const names = [...envBlock.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1]);
  const settings = new Set(SETTINGS.map((s) => s.env));
  const unknown = names.filter((n) => n.startsWith("QUILT_MCP_") && !settings.has(n));
  assertEquals(unknown, []);
  assert(names.includes("QUILT_MCP_TRANSPORT"), "the image defaults to the http transport");
  const secrets = SETTINGS.filter((s) => s.secret).map((s) => s.env);
  assertEquals(
    names.filter((n) => secrets.includes(n)),
    [],
    "no secret setting baked into the image",
  );
});

Deno.test("Dockerfile: compiled with the binary's permission flags, from a context with every import", async () => {
  assert(
    dockerfile().includes("$(grep -v '^\\s*#' server/permissions.txt | tr '\\n' ' ')"),
    "deno compile takes its flags from server/permissions.txt, like make build",
  );
  const copied = [...dockerfile().matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
    m[1].split(/\s+/)
  );
  const allowed = readRepo(".dockerignore").split("\n").filter((l) => l.startsWith("!"))
    .map((l) => l.slice(1).replace(/\/$/, ""));
  for (const c of copied) {
    assert(allowed.includes(c.replace(/\/$/, "")), `${c} is in the build context (.dockerignore)`);
  }
  // Every relative import of the server resolves inside what the Dockerfile copies.
  const outside: string[] = [];
  for (const file of await filesUnder("server", (n) => n.endsWith(".ts"))) {
    for (const m of readRepo(file).matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = relative(REPO_ROOT, normalize(join(REPO_ROOT, dirname(file), m[1])));
      const top = target.split("/")[0];
      if (!copied.some((c) => c.replace(/\/$/, "") === top || c === target)) {
        outside.push(`${file} imports ${target}`);
      }
    }
  }
  assertEquals(outside, []);
});
