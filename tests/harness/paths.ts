/** Locations of the repository and the project toolchain, for every test. @module */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The project virtualenv (checkov, cfn-lint, moto, quilt3, parliament). */
export const VENV: string = Deno.env.get("QUILT_MCP_VENV") ?? join(REPO_ROOT, ".tools", "venv");

/** Python interpreter of the project virtualenv. */
export const PYTHON: string = join(VENV, "bin", "python");

/** The Deno binary running the tests (the project's pinned one under `make test`). */
export const DENO: string = Deno.execPath();

/** Deno permission flags of the compiled binary (server/permissions.txt), as `deno run` arguments. */
export function serverPermissionFlags(): string[] {
  return Deno.readTextFileSync(join(REPO_ROOT, "server", "permissions.txt"))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}
