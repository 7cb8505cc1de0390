/**
 * Per-user STS role assumption as AWS sees it: the AssumeRole parameters the server actually sent
 * (read at a recording proxy in front of the emulator), the identity GetCallerIdentity reports,
 * caching (one AssumeRole per principal, single-flight under 50 concurrent first requests, a new
 * entry per tag set), dropping credentials AWS rejected, and bounded retries under throttling.
 */
import { assert, assertEquals, startStack, toolJson } from "../harness/mod.ts";
import { roleSessionNameFor, sourceIdentityFor, tagValueFor } from "../../server/auth/sanitize.ts";

function tagsOf(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
    tags[params.get(`Tags.member.${i}.Key`)!] = params.get(`Tags.member.${i}.Value`)!;
  }
  return tags;
}

Deno.test("sts: AssumeRole parameters, caching, single flight, tag sets, invalidation, throttling", async (t) => {
  await using stack = await startStack({
    roles: ["analyst"],
    viaProxy: true,
    env: { QUILT_MCP_SESSION_TAG_CLAIMS: "Department=dept", QUILT_MCP_RATE_LIMIT_BURST: "1000" },
  });
  const proxy = stack.proxy!;
  const assumesFor = (subject: string) =>
    proxy.of("AssumeRole").filter((r) =>
      r.params.get("SourceIdentity") === sourceIdentityFor(subject)
    );

  await t.step(
    "session name, source identity, duration and tags come from verified claims, sanitized",
    async () => {
      const subject = "Dana Scully <dana@fbi.gov>";
      await using client = await stack.http(subject, { claims: { dept: "X-Files / Basement" } });
      const me = toolJson(await client.callTool({ name: "auth_status", arguments: {} }));
      const [assume] = assumesFor(subject);
      assert(assume, "an AssumeRole was sent");
      assertEquals(assume.params.get("RoleArn"), stack.roleArn("analyst"));
      assertEquals(assume.params.get("RoleSessionName"), roleSessionNameFor(subject));
      assertEquals(assume.params.get("DurationSeconds"), "3600");
      assert(
        /^[\w+=,.@-]{2,64}$/.test(assume.params.get("SourceIdentity")!),
        "source identity within STS charset",
      );
      assert(
        /^[\w+=,.@-]{2,64}$/.test(assume.params.get("RoleSessionName")!),
        "session name within STS charset",
      );
      assertEquals(tagsOf(assume.params), {
        QuiltMcpSubject: tagValueFor(subject)!,
        QuiltMcpClient: "web-jwt",
        Department: "X-Files / Basement",
      });
      assertEquals(
        me.aws_arn,
        `arn:aws:sts::123456789012:assumed-role/analyst/${roleSessionNameFor(subject)}`,
      );
    },
  );

  await t.step("one AssumeRole for many requests of one principal", async () => {
    await using client = await stack.http("repeat@example.com");
    for (let i = 0; i < 20; i++) await client.callTool({ name: "auth_status", arguments: {} });
    assertEquals(assumesFor("repeat@example.com").length, 1);
  });

  await t.step("50 concurrent first requests make one AssumeRole call", async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => stack.http("burst@example.com")),
    );
    const results = await Promise.all(
      clients.map((c) => c.callTool({ name: "auth_status", arguments: {} })),
    );
    for (const c of clients) await c.close();
    assert(results.every((r) => !r.isError), "every call succeeded");
    assertEquals(assumesFor("burst@example.com").length, 1);
  });

  await t.step("a different tag set is a different credential set", async () => {
    await using a = await stack.http("tags@example.com", { claims: { dept: "A" } });
    await a.callTool({ name: "auth_status", arguments: {} });
    await using b = await stack.http("tags@example.com", { claims: { dept: "B" } });
    await b.callTool({ name: "auth_status", arguments: {} });
    await a.callTool({ name: "auth_status", arguments: {} });
    assertEquals(assumesFor("tags@example.com").map((r) => tagsOf(r.params).Department), [
      "A",
      "B",
    ]);
  });

  await t.step("credentials AWS rejects as expired are dropped and re-assumed", async () => {
    await using client = await stack.http("expiring@example.com");
    await client.callTool({ name: "auth_status", arguments: {} });
    proxy.setFaults([{
      action: "GetCallerIdentity",
      error: { status: 403, code: "ExpiredToken" },
    }]);
    const failed = await client.callTool({ name: "auth_status", arguments: {} });
    proxy.setFaults([]);
    assert(failed.isError, "the expired call is a tool error");
    await client.callTool({ name: "auth_status", arguments: {} });
    assertEquals(
      assumesFor("expiring@example.com").length,
      2,
      "a fresh AssumeRole after ExpiredToken",
    );
  });

  await t.step(
    "throttled STS: bounded retries, no stampede, clear error, then recovery",
    async () => {
      proxy.setFaults([{ action: "AssumeRole", error: { status: 400, code: "Throttling" } }]);
      const clients = await Promise.all(
        Array.from({ length: 10 }, () => stack.http("throttled@example.com")),
      );
      const before = proxy.of("AssumeRole").length;
      const results = await Promise.all(
        clients.map((c) => c.callTool({ name: "auth_status", arguments: {} })),
      );
      const attempts = proxy.of("AssumeRole").length - before;
      proxy.setFaults([]);
      assert(results.every((r) => r.isError), "every call reports the failure");
      const text = (results[0].content as Array<{ text: string }>)[0].text;
      assert(text.includes("credentials for your role are unavailable"), text);
      assert(
        attempts >= 2 && attempts <= 4,
        `retries are bounded and shared by concurrent callers (${attempts})`,
      );
      const ok = await clients[0].callTool({ name: "auth_status", arguments: {} });
      assert(!ok.isError, "recovers once STS answers again");
      for (const c of clients) await c.close();
    },
  );
});
