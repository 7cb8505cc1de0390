/**
 * Desktop (stdio) mode: the person's own AWS credentials from a profile in their HOME, an existing
 * quilt3 login (and its refresh through the registry), and a stdout that carries nothing but
 * JSON-RPC even with debug logging on.
 */
import { join } from "node:path";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  assert,
  assertEquals,
  baseServerEnv,
  connectStdio,
  DENO,
  LineCollector,
  REPO_ROOT,
  serverCommandArgs,
  startMoto,
  toolJson,
} from "../harness/mod.ts";

async function iamUser(iam: IAMClient, name: string) {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return {
    id: AccessKey!.AccessKeyId!,
    secret: AccessKey!.SecretAccessKey!,
    arn: `arn:aws:iam::123456789012:user/${name}`,
  };
}

Deno.test("desktop: profile credentials, quilt3 login, quilt3 refresh through the registry, JSON-RPC-only stdout", async (t) => {
  await using moto = await startMoto();
  const iam = new IAMClient(moto.clientConfig());
  const emulator = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    QUILT_MCP_S3_FORCE_PATH_STYLE: "true",
  };

  await t.step("a named profile in ~/.aws is used (AWS_PROFILE)", async () => {
    const user = await iamUser(iam, "profile-user");
    const home = await Deno.makeTempDir();
    await Deno.mkdir(join(home, ".aws"));
    await Deno.writeTextFile(
      join(home, ".aws", "credentials"),
      `[default]\naws_access_key_id = AKIADEFAULTWRONG000\naws_secret_access_key = wrong\n\n[dev]\naws_access_key_id = ${user.id}\naws_secret_access_key = ${user.secret}\n`,
    );
    await Deno.writeTextFile(join(home, ".aws", "config"), "[profile dev]\nregion = us-east-1\n");
    await using client = await connectStdio({ ...emulator, HOME: home, AWS_PROFILE: "dev" });
    const me = toolJson(await client.callTool({ name: "auth_status", arguments: {} }));
    assertEquals(me.aws_arn, user.arn);
    assertEquals(me.client_type, "desktop-stdio");
    await Deno.remove(home, { recursive: true });
  });

  await t.step(
    "an existing quilt3 login's credentials are honoured over the AWS chain",
    async () => {
      const user = await iamUser(iam, "quilt3-user");
      const home = await Deno.makeTempDir();
      const quilt = join(home, ".local", "share", "Quilt");
      await Deno.mkdir(quilt, { recursive: true });
      await Deno.writeTextFile(
        join(quilt, "credentials.json"),
        JSON.stringify({
          access_key: user.id,
          secret_key: user.secret,
          token: "quilt3-session-token",
          expiry_time: new Date(Date.now() + 3600_000).toISOString(),
        }),
      );
      await using client = await connectStdio({ ...emulator, HOME: home });
      const me = toolJson(await client.callTool({ name: "auth_status", arguments: {} }));
      assertEquals(me.aws_arn, user.arn);
      await Deno.remove(home, { recursive: true });
    },
  );

  await t.step(
    "expired quilt3 credentials are refreshed through the registry with the login's token",
    async () => {
      const user = await iamUser(iam, "refreshed-user");
      const seen: string[] = [];
      await using registry = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        (req) => {
          const url = new URL(req.url);
          seen.push(`${req.method} ${url.pathname} ${req.headers.get("authorization") ?? ""}`);
          if (url.pathname !== "/api/auth/get_credentials") {
            return new Response("no", { status: 404 });
          }
          if (
            req.headers.get("authorization") !== "Bearer registry-access-token"
          ) return new Response("no", { status: 401 });
          return Response.json({
            AccessKeyId: user.id,
            SecretAccessKey: user.secret,
            SessionToken: "fresh",
            Expiration: new Date(Date.now() + 3600_000).toISOString(),
          });
        },
      );
      const registryUrl = `http://127.0.0.1:${registry.addr.port}`;
      const home = await Deno.makeTempDir();
      const quilt = join(home, ".local", "share", "Quilt");
      await Deno.mkdir(quilt, { recursive: true });
      await Deno.writeTextFile(
        join(quilt, "config.yml"),
        `navigator_url: https://catalog.example\nregistryUrl: ${registryUrl}\n`,
      );
      await Deno.writeTextFile(
        join(quilt, "auth.json"),
        JSON.stringify({
          [registryUrl]: {
            access_token: "registry-access-token",
            refresh_token: "r",
            expires_at: Date.now() / 1000 + 3600,
          },
        }),
      );
      await Deno.writeTextFile(
        join(quilt, "credentials.json"),
        JSON.stringify({
          access_key: "AKIAEXPIRED000000000",
          secret_key: "x",
          token: "old",
          expiry_time: new Date(Date.now() - 60_000).toISOString(),
        }),
      );
      await using client = await connectStdio({ ...emulator, HOME: home });
      const me = toolJson(await client.callTool({ name: "auth_status", arguments: {} }));
      assertEquals(me.aws_arn, user.arn);
      assertEquals(seen, ["GET /api/auth/get_credentials Bearer registry-access-token"]);
      await Deno.remove(home, { recursive: true });
    },
  );

  await t.step("every stdout line of a debug-logging session is JSON-RPC", async () => {
    const child = new Deno.Command(DENO, {
      args: serverCommandArgs(["serve", "--transport", "stdio", "--log-level", "debug"]),
      env: baseServerEnv({ ...moto.env(), QUILT_MCP_S3_FORCE_PATH_STYLE: "true" }),
      clearEnv: true,
      cwd: REPO_ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = new LineCollector(child.stdout);
    const err = new LineCollector(child.stderr);
    const writer = child.stdin.getWriter();
    const send = (m: unknown) => writer.write(new TextEncoder().encode(JSON.stringify(m) + "\n"));
    await send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "raw", version: "0" },
      },
    });
    await out.waitFor((l) => l.includes('"id":1'), 20_000, "initialize result");
    await send({ jsonrpc: "2.0", method: "notifications/initialized" });
    await send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    await send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "auth_status", arguments: {} },
    });
    await send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "bucket_objects_list", arguments: { bucket: "Not A Bucket" } },
    });
    await send({ jsonrpc: "2.0", id: 5, method: "no/such/method" });
    for (const id of [2, 3, 4, 5]) {
      await out.waitFor((l) => l.includes(`"id":${id}`), 20_000, `answer ${id}`);
    }
    await writer.close();
    await child.status;
    await Promise.all([out.done, err.done]);
    assert(out.lines.length >= 5, `five answers expected on stdout, got:\n${out.lines.join("\n")}`);
    for (const line of out.lines) {
      const message = JSON.parse(line);
      assertEquals(message.jsonrpc, "2.0", `stdout line is JSON-RPC: ${line.slice(0, 120)}`);
    }
    assert(
      err.lines.some((l) => l.includes('"level":"debug"') || l.includes('"msg":"tool_call"')),
      "logs went to stderr",
    );
    const stray = err.lines.filter((l) => !l.startsWith("{"));
    assertEquals(stray, [], "stderr carries JSON log lines only");
  });
  iam.destroy();
});
