/**
 * A throwaway copy of one example (and the modules it sources by relative path) pointed at the
 * emulator, and the terraform commands the apply suite runs in it. The checkout is never written:
 * no state, lock file or `.terraform` lands in examples/. Every command goes through
 * tests/terraform/terraform_cli.ts with this copy's own data directory, so the plugin cache and
 * data directory are never shared with a concurrent terraform run.
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import type { Moto } from "../harness/moto.ts";
import { runTerraform, type TerraformResult } from "../terraform/terraform_cli.ts";

/**
 * Merged into the example's own provider block (Terraform override file): the emulator serves
 * S3 on one loopback host, so bucket names cannot be host names (path-style requests).
 */
const PROVIDER_OVERRIDE = `provider "aws" {
  s3_use_path_style = true
}
`;

/** One example copied next to the modules it uses, with inputs and the emulator's endpoint. */
export interface Workspace extends AsyncDisposable {
  /** The example's directory inside the copy. */
  readonly dir: string;
  /** `terraform <args>` in the example's directory; throws with terraform's output on failure. */
  terraform(args: string[], options?: { allowExitCodes?: number[] }): Promise<TerraformResult>;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    // Never carry a user's local state, lock file or data directory into the copy.
    if (entry.name === ".terraform" || entry.name.endsWith(".tfstate")) continue;
    if (entry.name === ".terraform.lock.hcl" || entry.name.endsWith(".tfplan")) continue;
    // Test files are not part of what a user applies (and name the mocks by a relative path).
    if (entry.isDirectory && entry.name === "tests") continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

/** Copies examples/<example> and modules/ into a temporary tree and writes the inputs. */
export async function openWorkspace(
  example: string,
  inputs: Record<string, unknown>,
  moto: Moto,
): Promise<Workspace> {
  const root = await Deno.makeTempDir({ prefix: `quilt-mcp-apply-${example}-` });
  await copyTree(join(REPO_ROOT, "modules"), join(root, "modules"));
  const dir = join(root, "examples", example);
  await copyTree(join(REPO_ROOT, "examples", example), dir);
  await Deno.writeTextFile(join(dir, "emulator_override.tf"), PROVIDER_OVERRIDE);
  await Deno.writeTextFile(join(dir, "terraform.tfvars.json"), JSON.stringify(inputs, null, 2));
  const env = {
    ...moto.env(),
    TF_DATA_DIR: join(root, "tf-data"),
    // Nothing from the person's own AWS configuration may steer the run away from the emulator.
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: join(root, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(root, "no-aws-credentials"),
    AWS_SESSION_TOKEN: "",
  };
  return {
    dir,
    async terraform(args, options = {}) {
      const result = await runTerraform([`-chdir=${dir}`, ...args], { env });
      const allowed = options.allowExitCodes ?? [0];
      if (!allowed.includes(result.code)) {
        throw new Error(
          `terraform ${args.join(" ")} exited ${result.code}\n${result.stdout.slice(-6000)}\n${
            result.stderr.slice(-6000)
          }`,
        );
      }
      return result;
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}
