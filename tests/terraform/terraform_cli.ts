/**
 * The one way the tests and the make targets run Terraform: never two processes in one plugin
 * cache or one data directory at the same time.
 *
 * Terraform's plugin cache is not safe for concurrent use: two `terraform init` runs installing
 * the same provider race on its directories (`mkdir …/linux_amd64: file exists`). Copying the
 * provider per process would cost hundreds of megabytes each, so the cache stays shared and is
 * guarded by a lock file inside it (flock(2), released by the kernel when a process dies):
 * - commands that install providers (`init`, `providers …`) hold it exclusively;
 * - every other command holds it shared: it only reads provider binaries, which no exclusive
 *   holder can be replacing meanwhile.
 * A data directory (`.terraform`, or `TF_DATA_DIR`) belongs to one process at a time: the
 * command holds an exclusive lock on the directory that owns it (the working directory, or
 * `TF_DATA_DIR` itself) for its whole run. The locks are always taken in that order (data
 * directory, then cache), so two runs cannot deadlock.
 *
 * As a program (for .ci/lib/test_suites.sh and the Makefile), the arguments are terraform's:
 * `deno run -A tests/terraform/terraform_cli.ts -chdir=DIR init -input=false`; stdio is
 * inherited and the exit code is terraform's.
 * @module
 */
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";

/** Subcommands that may write into the plugin cache. */
const INSTALLING = new Set(["init", "providers"]);

/** What one terraform run printed and how it ended. */
export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The project's offline CLI settings: its CLI configuration (`TF_CLI_CONFIG_FILE` when that
 * file exists, else the one `make bootstrap` writes), no checkpoint calls, no colour.
 */
export function terraformEnv(): Record<string, string> {
  const given = Deno.env.get("TF_CLI_CONFIG_FILE");
  const exists = (path: string) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  };
  return {
    TF_CLI_CONFIG_FILE: given !== undefined && exists(given)
      ? given
      : join(REPO_ROOT, ".tools", "terraformrc"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
  };
}

/** Options of {@linkcode runTerraform}. */
export interface RunOptions {
  /** Variables added to the inherited environment on top of {@linkcode terraformEnv}. */
  readonly env?: Record<string, string>;
  /** `inherit` streams to this process's stdio (stdout and stderr are then returned empty). */
  readonly stdio?: "piped" | "inherit";
}

/**
 * Runs `terraform <args>` holding the data-directory lock and the plugin-cache lock (exclusive
 * for installing commands, shared otherwise).
 */
export async function runTerraform(
  args: readonly string[],
  options: RunOptions = {},
): Promise<TerraformResult> {
  const added = { ...terraformEnv(), ...options.env };
  const env = { ...Deno.env.toObject(), ...added };
  const chdir = args.find((a) => a.startsWith("-chdir="))?.slice("-chdir=".length) ?? ".";
  const subcommand = args.find((a) => !a.startsWith("-")) ?? "";
  const dataDir = env.TF_DATA_DIR ? resolve(chdir, env.TF_DATA_DIR) : undefined;
  if (dataDir !== undefined) await Deno.mkdir(dataDir, { recursive: true });
  const held: Deno.FsFile[] = [];
  try {
    held.push(await lockDirectory(dataDir ?? resolve(chdir)));
    const cache = pluginCacheDir(env);
    if (cache !== undefined) {
      await Deno.mkdir(cache, { recursive: true });
      held.push(await lockFile(join(cache, ".quilt-mcp.lock"), INSTALLING.has(subcommand)));
    }
    const command = (stdio: "piped" | "inherit") =>
      new Deno.Command("terraform", {
        args: [...args],
        env: added,
        stdin: stdio === "inherit" ? "inherit" : "null",
        stdout: stdio,
        stderr: stdio,
      });
    if (options.stdio === "inherit") {
      const { code } = await command("inherit").spawn().status;
      return { code, stdout: "", stderr: "" };
    }
    const { code, stdout, stderr } = await command("piped").output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code, stdout: text(stdout), stderr: text(stderr) };
  } finally {
    for (const file of held.reverse()) file.close();
  }
}

/**
 * The plugin cache terraform will use: `TF_PLUGIN_CACHE_DIR`, else `plugin_cache_dir` of the CLI
 * configuration (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc`), else none.
 */
export function pluginCacheDir(env: Readonly<Record<string, string>>): string | undefined {
  if (env.TF_PLUGIN_CACHE_DIR) return env.TF_PLUGIN_CACHE_DIR;
  const config = env.TF_CLI_CONFIG_FILE ?? (env.HOME ? join(env.HOME, ".terraformrc") : undefined);
  if (config === undefined) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(config);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return /^\s*plugin_cache_dir\s*=\s*"([^"]+)"/m.exec(text)?.[1];
}

async function lockFile(path: string, exclusive: boolean): Promise<Deno.FsFile> {
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    await file.lock(exclusive);
  } catch (e) {
    file.close();
    throw e;
  }
  return file;
}

async function lockDirectory(path: string): Promise<Deno.FsFile> {
  const dir = await Deno.open(path, { read: true });
  try {
    await dir.lock(true);
  } catch (e) {
    dir.close();
    throw e;
  }
  return dir;
}

if (import.meta.main) {
  const { code } = await runTerraform(Deno.args, { stdio: "inherit" });
  Deno.exit(code);
}
