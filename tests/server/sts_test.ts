/**
 * Per-user STS role assumption as AWS sees it: the AssumeRole parameters the server actually sent
 * (read at a recording proxy in front of the emulator), the identity GetCallerIdentity reports,
 * caching (one AssumeRole per principal, single-flight under 50 concurrent first requests, a new
 * entry per tag set), dropping credentials AWS rejected, and bounded retries under throttling
 * followed by a backoff window answered 503 + Retry-After.
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
    "throttled STS: bounded retries, one shared flight, then a backoff window answered 503 + Retry-After",
    async () => {
      proxy.setFaults([{ action: "AssumeRole", error: { status: 400, code: "Throttling" } }]);
      const clients = await Promise.all(
        Array.from({ length: 10 }, () => stack.http("throttled@example.com")),
      );
      const before = proxy.of("AssumeRole").length;
      const results = await Promise.allSettled(
        clients.map((c) => c.callTool({ name: "auth_status", arguments: {} })),
      );
      const attempts = proxy.of("AssumeRole").length - before;
      // A call admitted while the flight ran shares its failure (a clear tool error); a call that
      // arrived after the flight failed finds the backoff window open and gets 503 + Retry-After.
      for (const r of results) {
        if (r.status === "fulfilled") {
          assert(r.value.isError, "a throttled call reports the failure");
          const text = (r.value.content as Array<{ text: string }>)[0].text;
          assert(text.includes("credentials for your role are unavailable"), text);
          assert(text.includes("STS is throttling"), text);
        } else {
          assertEquals((r.reason as { status?: number }).status, 503, String(r.reason));
        }
      }
      assert(
        results.some((r) => r.status === "fulfilled"),
        "the first call ran into the throttled flight",
      );
      assert(
        attempts >= 2 && attempts <= 4,
        `retries are bounded and shared by concurrent callers (${attempts})`,
      );
      // Inside a window: no AssumeRole, an immediate 503 with Retry-After, counted. A request that
      // arrives after a window ended runs one more throttled flight, which doubles the next window,
      // so a few attempts always land inside one however slow the machine is.
      const token = await stack.token("throttled@example.com");
      const raw = () =>
        fetch(`${stack.server.origin}/mcp`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 9,
            method: "tools/call",
            params: { name: "auth_status", arguments: {} },
          }),
        });
      let refused: Response | undefined;
      for (let i = 0; i < 8 && !refused; i++) {
        const callsBefore = proxy.of("AssumeRole").length;
        const r = await raw();
        await r.body?.cancel();
        if (r.status === 503) {
          assertEquals(proxy.of("AssumeRole").length, callsBefore, "no AssumeRole in the window");
          refused = r;
        } else {
          assertEquals(r.status, 200, "outside a window: the throttled tool error");
        }
      }
      assert(refused, "a request inside a backoff window was answered 503");
      assert(Number(refused.headers.get("retry-after")) >= 1, "Retry-After in whole seconds");
      await stack.server.waitForLog((r) => typeof r.StsBackoff === "number");
      proxy.setFaults([]);
      // Recovery: the client honours Retry-After (bounded attempts, generous outer deadline).
      let recovered = false;
      for (let i = 0; i < 40 && !recovered; i++) {
        try {
          recovered = !(await clients[0].callTool({ name: "auth_status", arguments: {} })).isError;
        } catch (e) {
          assertEquals((e as { status?: number }).status, 503, String(e));
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      assert(recovered, "recovers once STS answers again and the window has passed");
      for (const c of clients) await c.close();
    },
  );
});
