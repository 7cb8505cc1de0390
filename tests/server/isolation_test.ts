/**
 * Isolation under concurrency: 2,000 interleaved tools/call requests from 100 principals mapped to
 * 20 different roles, each answered with the caller identity STS sees; a stdio server answers at the
 * same time. Zero mismatches, and every context pushed was reset.
 */
import { assert, assertEquals, type Era, startStack, toolJson } from "../harness/mod.ts";

const PRINCIPALS = 100;
const ROLES = 20;
const CALLS_PER_PRINCIPAL = 20;
const WORKERS = 24;

Deno.test("isolation: 2,000 interleaved calls from 100 principals on 20 roles, with stdio alongside", async () => {
  const roles = Array.from({ length: ROLES }, (_, i) => `iso-role-${String(i).padStart(2, "0")}`);
  await using stack = await startStack({ roles, env: { QUILT_MCP_RATE_LIMIT_BURST: "1000" } });
  const principals = await Promise.all(Array.from({ length: PRINCIPALS }, async (_, i) => {
    const subject = `user-${String(i).padStart(3, "0")}@example.com`;
    const role = roles[i % ROLES];
    const era: Era = i % 2 === 0 ? "legacy" : "modern";
    const client = await stack.http(subject, {
      era,
      claims: { quilt_role_arns: [stack.roleArn(role)] },
    });
    return { subject, role, client };
  }));
  // Interleave: shuffle every (principal, call) pair with a fixed seed, then drain with a pool.
  const work = principals.flatMap((p) => Array.from({ length: CALLS_PER_PRINCIPAL }, () => p));
  let seed = 42;
  for (let i = work.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [work[i], work[j]] = [work[j], work[i]];
  }
  const mismatches: string[] = [];
  let done = 0;
  const stdio = await stack.stdio();
  let stdioCalls = 0;
  let stdioMismatches = 0;
  const stdioLoop = (async () => {
    while (done < work.length) {
      const me = toolJson(await stdio.callTool({ name: "auth_status", arguments: {} }));
      stdioCalls++;
      if (
        me.client_type !== "desktop-stdio" || me.role_arn !== null ||
        !String(me.principal).startsWith("local:")
      ) {
        stdioMismatches++;
      }
    }
  })();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (next < work.length) {
      const p = work[next++];
      const me = toolJson(await p.client.callTool({ name: "auth_status", arguments: {} }));
      const expectedArn = `arn:aws:sts::123456789012:assumed-role/${p.role}/mcp-${p.subject}`;
      if (
        me.principal !== p.subject || me.role_arn !== stack.roleArn(p.role) ||
        me.aws_arn !== expectedArn
      ) {
        mismatches.push(`${p.subject} saw ${me.principal} / ${me.aws_arn}`);
      }
      done++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await stdioLoop;
  await stdio.close();
  for (const p of principals) await p.client.close();
  console.log(
    `isolation: ${work.length} calls from ${PRINCIPALS} principals on ${ROLES} roles in ${
      seconds.toFixed(1)
    } s ` +
      `(${
        (work.length / seconds).toFixed(0)
      }/s), ${mismatches.length} mismatches; ${stdioCalls} stdio calls alongside`,
  );
  assertEquals(mismatches, [], "every caller saw only its own identity");
  assertEquals(stdioMismatches, 0);
  assert(stdioCalls > 0, "the stdio server answered while the HTTP load ran");

  // Push == reset: every context entered was released (logs are written when responses finish).
  const totals = () => {
    let push = 0, reset = 0;
    for (const r of stack.server.logs()) {
      if (typeof r.ContextPush === "number") push += r.ContextPush;
      if (typeof r.ContextReset === "number") reset += r.ContextReset;
    }
    return { push, reset };
  };
  const deadline = Date.now() + 5000;
  while (totals().push !== totals().reset && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const { push, reset } = totals();
  assert(push >= work.length, `at least one context per call (${push})`);
  assertEquals(reset, push, "context pushes equal resets");
  const assumes =
    stack.server.logs().filter((r) => r.msg === "sts_assume" && r.outcome === "ok").length;
  assertEquals(assumes, PRINCIPALS, "one AssumeRole per principal");
});
