/**
 * `make demo`: the product's main job on an embedded default that needs no AWS account and no
 * internet. Starts the AWS emulator and a local token issuer, seeds a bucket and a Quilt package
 * (pushed by the real quilt3 client), starts quilt-mcp over HTTP trusting the local issuer, runs a
 * scripted MCP session with the SDK's Client, prints the results, and stops every process.
 * @module
 */
import { join } from "node:path";
import {
  connectHttp,
  connectStdio,
  followResourceMetadata,
  PYTHON,
  REPO_ROOT,
  seedBucket,
  startStack,
  toolJson,
} from "../harness/mod.ts";

const BUCKET = "quilt-demo";
const PACKAGE = "demo/cell-painting";

const bold = (s: string) => (Deno.stdout.isTerminal() ? `\x1b[1m${s}\x1b[0m` : s);
function section(title: string) {
  console.log(`\n${bold(`── ${title} `.padEnd(72, "─"))}`);
}

async function pushPackage(env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(PYTHON, {
    args: [join(REPO_ROOT, "tests", "demo", "seed_package.py"), BUCKET, PACKAGE],
    env: { ...env, QUILT_DISABLE_USAGE_METRICS: "true", HOME: await Deno.makeTempDir() },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`quilt3 push failed:\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!).top_hash;
}

async function main() {
  const started = performance.now();
  section("Starting the AWS emulator, a token issuer and quilt-mcp (HTTP)");
  // The public URL is the address the server listens on, so a client can follow what it advertises.
  await using stack = await startStack({ roles: ["data-analyst"], advertiseListenAddress: true });
  console.log(`emulator      ${stack.moto.endpoint}`);
  console.log(`token issuer  ${stack.issuer.issuer} (JWKS ${stack.issuer.jwksUrl})`);
  console.log(`quilt-mcp     ${stack.publicUrl}`);

  section("Seeding s3://quilt-demo and pushing a Quilt package with quilt3");
  await seedBucket(stack.moto, BUCKET, {
    "raw/2026-11-01/run.log": "instrument ready\nplate 1 imaged\n",
    "raw/2026-11-01/settings.json": JSON.stringify({ exposure_ms: 40, channels: 5 }),
    "notes.txt": "Pilot run for the cell painting assay.\n",
  }, { versioned: true });
  const topHash = await pushPackage(stack.moto.env());
  console.log(`${PACKAGE} pushed by quilt3, top hash ${topHash.slice(0, 12)}…`);

  section("Discovery: an MCP client without a token follows the server's resource_metadata");
  const discovery = await followResourceMetadata(stack.publicUrl);
  console.log(`HTTP ${discovery.status}  WWW-Authenticate: ${discovery.challenge}`);
  console.log(`GET ${discovery.metadataUrl} →`);
  console.log(JSON.stringify(discovery.metadata, null, 2));

  section("An MCP client (2026-07-28 protocol) connects as alice@example.com with a bearer token");
  // The token's audience and the URL called are what the metadata document names.
  await using alice = await connectHttp(new URL(discovery.metadata.resource).origin, {
    token: await stack.token("alice@example.com", {}, { audience: discovery.metadata.resource }),
    era: "modern",
  });
  const tools = (await alice.listTools()).tools.map((t) => t.name);
  console.log(`tools/list → ${tools.length} tools: ${tools.join(", ")}`);

  section("auth_status: who am I?");
  const me = toolJson(await alice.callTool({ name: "auth_status", arguments: {} }));
  console.log(`principal ${me.principal} (${me.client_type})`);
  console.log(`assumed   ${me.role_arn}`);
  console.log(`AWS sees  ${me.aws_arn}`);

  section(`bucket_objects_list: s3://${BUCKET}/ folder by folder`);
  const listing = toolJson(
    await alice.callTool({
      name: "bucket_objects_list",
      arguments: { bucket: BUCKET, delimiter: "/" },
    }),
  );
  for (const p of listing.common_prefixes as string[]) console.log(`  ${p}`);
  for (const o of listing.objects as Array<{ key: string; size: number }>) {
    console.log(`  ${o.key} (${o.size} B)`);
  }

  if (tools.includes("package_browse")) {
    section(`package_browse: ${PACKAGE} (latest)`);
    const browse = toolJson(
      await alice.callTool({
        name: "package_browse",
        arguments: { bucket: BUCKET, package: PACKAGE },
      }),
    );
    console.log(JSON.stringify(browse, null, 2).split("\n").slice(0, 30).join("\n"));
  }

  section("The same server as a desktop client sees it (stdio, your own AWS credentials)");
  await using desktop = await connectStdio(stack.serverEnv);
  const local = toolJson(await desktop.callTool({ name: "auth_status", arguments: {} }));
  console.log(`principal ${local.principal} (${local.client_type}), AWS sees ${local.aws_arn}`);

  section("Done");
  console.log(
    `demo finished in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s; stopping every process`,
  );
}

const abort = () => {
  console.error("\ninterrupted: stopping the demo's processes");
  // The harness's children watch their stdin / get SIGTERM on dispose; exiting closes their pipes.
  Deno.exit(130);
};
Deno.addSignalListener("SIGINT", abort);
Deno.addSignalListener("SIGTERM", abort);
await main();
Deno.exit(0);
