/**
 * terraform_cli.ts: concurrent `terraform init` runs into one empty plugin cache all succeed
 * (unguarded, they race on the cache's directories), a command waits while another process holds
 * the cache or its data directory, and the cache directory is found as terraform finds it.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../harness/assert.ts";
import { pluginCacheDir, runTerraform } from "./terraform_cli.ts";

const ROOT_MODULE = `terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}
`;

/** A fresh root module that needs the AWS provider. */
async function rootModule(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "main.tf"), ROOT_MODULE);
  return dir;
}

/** Whether `promise` is still pending once `event` has settled. */
async function pendingAfter(promise: Promise<unknown>, event: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  await event;
  return !settled;
}

Deno.test("concurrent inits into one empty plugin cache all succeed", async () => {
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-tf-cli-" });
  try {
    const cache = join(work, "plugin-cache");
    const dirs = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => rootModule(work, `root${n}`)));
    const results = await Promise.all(
      dirs.map((dir) =>
        runTerraform([`-chdir=${dir}`, "init", "-backend=false", "-input=false", "-no-color"], {
          env: { TF_PLUGIN_CACHE_DIR: cache },
        })
      ),
    );
    for (const [n, r] of results.entries()) {
      assertEquals(r.code, 0, `init ${n}:\n${r.stdout}\n${r.stderr}`);
    }
    const installed = [...Deno.readDirSync(join(cache, "registry.terraform.io", "hashicorp"))];
    assertEquals(installed.map((e) => e.name), ["aws"]);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

/**
 * Holds `lockPath` as another process would (`exclusive` or shared), then starts `args` in
 * `blocked` and the same command in `free`, where nothing is held: once the free one is done the
 * blocked one must still wait (it cannot finish while the lock is held), and it finishes once the
 * lock is released.
 */
async function assertWaitsFor(lockPath: string, exclusive: boolean, run: {
  args: string[];
  blocked: { dir: string; cache: string };
  free: { dir: string; cache: string };
}): Promise<void> {
  const isDir = Deno.statSync(lockPath).isDirectory;
  const holder = await Deno.open(lockPath, isDir ? { read: true } : { read: true, write: true });
  try {
    await holder.lock(exclusive);
    const start = (where: { dir: string; cache: string }) =>
      runTerraform([`-chdir=${where.dir}`, ...run.args], {
        env: { TF_PLUGIN_CACHE_DIR: where.cache },
      });
    const blocked = start(run.blocked);
    const free = start(run.free);
    assert(await pendingAfter(blocked, free), "it ran while another process held the lock");
    const freeResult = await free;
    assertEquals(freeResult.code, 0, freeResult.stderr);
    await holder.unlock();
    const blockedResult = await blocked;
    assertEquals(blockedResult.code, 0, blockedResult.stderr);
  } finally {
    holder.close();
  }
}

/** A work directory with two root modules and two plugin caches. */
async function withWork(
  fn: (w: {
    work: string;
    dirs: [string, string];
    caches: [string, string];
  }) => Promise<void>,
): Promise<void> {
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-tf-cli-" });
  try {
    const dirs = [await rootModule(work, "a"), await rootModule(work, "b")] as [string, string];
    const caches = [join(work, "cache-a"), join(work, "cache-b")] as [string, string];
    for (const c of caches) {
      await Deno.mkdir(c);
      await Deno.writeTextFile(join(c, ".quilt-mcp.lock"), "");
    }
    await fn({ work, dirs, caches });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

Deno.test("a command waits while another process installs into its plugin cache", async () => {
  await withWork(async ({ dirs, caches }) => {
    await assertWaitsFor(join(caches[0], ".quilt-mcp.lock"), true, {
      args: ["version"],
      blocked: { dir: dirs[0], cache: caches[0] },
      free: { dir: dirs[1], cache: caches[1] },
    });
  });
});

Deno.test("an install waits while another process reads the plugin cache", async () => {
  await withWork(async ({ dirs, caches }) => {
    await assertWaitsFor(join(caches[0], ".quilt-mcp.lock"), false, {
      args: ["init", "-backend=false", "-input=false", "-no-color"],
      blocked: { dir: dirs[0], cache: caches[0] },
      free: { dir: dirs[1], cache: caches[1] },
    });
  });
});

Deno.test("a command waits while another process uses its data directory", async () => {
  await withWork(async ({ dirs, caches }) => {
    await assertWaitsFor(dirs[0], true, {
      args: ["version"],
      blocked: { dir: dirs[0], cache: caches[0] },
      free: { dir: dirs[1], cache: caches[1] },
    });
  });
});

Deno.test("the plugin cache is found as terraform finds it", async () => {
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-tf-cli-" });
  try {
    const config = join(work, "terraformrc");
    await Deno.writeTextFile(config, `# comment\nplugin_cache_dir = "/from/config"\n`);
    assertEquals(pluginCacheDir({ TF_CLI_CONFIG_FILE: config }), "/from/config");
    assertEquals(
      pluginCacheDir({ TF_CLI_CONFIG_FILE: config, TF_PLUGIN_CACHE_DIR: "/from/env" }),
      "/from/env",
    );
    assertEquals(pluginCacheDir({ TF_CLI_CONFIG_FILE: join(work, "missing") }), undefined);
    await Deno.writeTextFile(join(work, ".terraformrc"), `plugin_cache_dir = "/from/home"\n`);
    assertEquals(pluginCacheDir({ HOME: work }), "/from/home");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
