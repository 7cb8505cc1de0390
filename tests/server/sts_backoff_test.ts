/**
 * What happens after an AssumeRole fails, with an injected clock and a scripted STS: throttling or
 * unavailability opens a backoff window per (role, principal) in which no AssumeRole is made and the
 * client is told when to come back; windows double with jitter up to a cap; sustained throttling
 * yields at most one AssumeRole flight per window; AccessDenied opens no window and stays an
 * immediate, clear error; credentials still valid in the cache are served through a window.
 */
import type { STSClient } from "@aws-sdk/client-sts";
import { assert, assertEquals, assertMatch, assertRejects } from "../harness/mod.ts";
import { AwsSettings } from "../../server/aws/settings.ts";
import { loadConfig } from "../../server/config/load.ts";
import { CredentialsUnavailableError, PerUserCredentials } from "../../server/auth/sts.ts";
import { classifyStsFailure, StsBackoff } from "../../server/auth/sts_backoff.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";

const HOUR = 3_600_000;

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from STS`), {
    name,
    $metadata: { httpStatusCode: status },
  });
}

/** A scripted STS: `answer` decides each AssumeRole; every call is recorded with its time. */
function fakeSts(now: () => number, answer: () => "ok" | Error) {
  const calls: Array<{ at: number; subject: string }> = [];
  const client = {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      if (command.constructor.name !== "AssumeRoleCommand") {
        return Promise.reject(new Error(`unexpected ${command.constructor.name}`));
      }
      calls.push({ at: now(), subject: String(command.input.SourceIdentity) });
      const a = answer();
      if (a instanceof Error) return Promise.reject(a);
      return Promise.resolve({
        Credentials: {
          AccessKeyId: `AKIA${calls.length}`,
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date(now() + HOUR),
        },
      });
    },
    destroy() {},
  };
  return { calls, client: client as unknown as STSClient };
}

function perUser(
  now: () => number,
  sts: STSClient,
  random: () => number = () => 0.5,
): { creds: PerUserCredentials; metrics: Metrics; lines: string[] } {
  const lines: string[] = [];
  const metrics = new Metrics("test", undefined);
  const creds = new PerUserCredentials(new AwsSettings(loadConfig([], {})), {
    durationSeconds: 3600,
    cacheSize: 100,
    logger: new Logger("info", (l) => lines.push(l)),
    metrics,
    now,
    sts,
    backoff: { baseMs: 1000, maxMs: 30_000, random },
  });
  return { creds, metrics, lines };
}

const request = (subject: string) => ({
  roleArn: "arn:aws:iam::123456789012:role/analyst",
  subject,
  tags: { QuiltMcpSubject: subject, QuiltMcpClient: "web-jwt" },
});

Deno.test("sts backoff: failures classified as throttled, unavailable or definite", () => {
  assertEquals(classifyStsFailure(awsError("Throttling", 400)), "throttled");
  assertEquals(classifyStsFailure(awsError("TooManyRequestsException", 429)), "throttled");
  assertEquals(classifyStsFailure(new TypeError("fetch failed")), "unavailable");
  assertEquals(classifyStsFailure(awsError("ServiceUnavailable", 503)), "unavailable");
  assertEquals(classifyStsFailure(awsError("InternalFailure", 500)), "unavailable");
  assertEquals(
    classifyStsFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    "unavailable",
  );
  assertEquals(classifyStsFailure(awsError("AccessDenied", 403)), "definite");
  assertEquals(classifyStsFailure(awsError("RegionDisabledException", 403)), "definite");
});

Deno.test("sts backoff: windows double per failure up to the cap, with equal jitter, per key", () => {
  let now = 0;
  let r = 0;
  const backoff = new StsBackoff({ baseMs: 1000, maxMs: 8000, now: () => now, random: () => r });
  const windows = Array.from({ length: 6 }, () => backoff.failed("k", "throttled"));
  assertEquals(windows, [500, 1000, 2000, 4000, 4000, 4000], "the fixed half, doubling to the cap");
  r = 0.999;
  assert(backoff.failed("k", "throttled") > 7990, "the random half reaches the cap");
  assertEquals(backoff.remaining("other").ms, 0, "keys are independent");
  assertEquals(backoff.failed("other", "definite"), 0, "a definite failure opens no window");
  assertEquals(backoff.remaining("other").ms, 0);
  now += 10_000;
  assertEquals(backoff.remaining("k").ms, 0, "a window ends");
  backoff.succeeded("k");
  r = 0;
  assertEquals(backoff.failed("k", "unavailable"), 500, "success resets the doubling");
  assertEquals(backoff.remaining("k"), { ms: 500, kind: "unavailable" });
  assertEquals(
    StsBackoff.key("arn:r", "alice") === StsBackoff.key("arn:r", "bob"),
    false,
    "per (role, principal)",
  );
});

Deno.test("sts backoff: sustained throttling → one AssumeRole flight per window, 503-style waits between", async () => {
  let now = 0;
  const sts = fakeSts(() => now, () => awsError("Throttling", 400));
  const { creds, lines } = perUser(() => now, sts.client, () => 0.5);
  const alice = request("alice@example.com");
  const provider = creds.provider(alice);
  let requests = 0;
  let waits = 0;
  // One request every 100 ms for 10 simulated minutes, as the bench's closed loop would send them.
  for (; now < 600_000; now += 100) {
    requests++;
    const wait = creds.retryAfterMs(alice);
    if (wait > 0) {
      waits++; // the HTTP layer answers 503 + Retry-After without entering a tool
      continue;
    }
    const e = await assertRejects(() => provider(), CredentialsUnavailableError);
    assertMatch(e.message, /STS is throttling requests/);
  }
  // Windows 0.75 s, 1.5 s, 3 s, ... capped at 22.5 s (random 0.5): the count of flights is bounded.
  assert(sts.calls.length <= 35, `${sts.calls.length} AssumeRole calls for ${requests} requests`);
  assert(waits > requests * 0.9, `${waits} of ${requests} requests waited without calling STS`);
  for (let i = 1; i < sts.calls.length; i++) {
    assert(sts.calls[i].at > sts.calls[i - 1].at, "never two calls at once");
  }
  const last = sts.calls.slice(-3).map((c, i, a) => i === 0 ? 0 : c.at - a[i - 1].at);
  assert(last.slice(1).every((gap) => gap >= 22_500), `gaps at the cap: ${last}`);
  const logged = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "sts_assume");
  assertEquals(logged.length, sts.calls.length, "each flight logged once");
  assert(logged.every((r) => r.outcome === "error" && r.backoff_ms > 0), "with its window");
});

Deno.test("sts backoff: inside a window no AssumeRole is made; the window's end lets one through", async () => {
  let now = 0;
  let answer: "ok" | Error = awsError("Throttling", 400);
  const sts = fakeSts(() => now, () => answer);
  const { creds, metrics } = perUser(() => now, sts.client, () => 0);
  const bob = request("bob@example.com");
  const provider = creds.provider(bob);
  await assertRejects(() => provider(), CredentialsUnavailableError);
  assertEquals(sts.calls.length, 1);
  assertEquals(creds.retryAfterMs(bob), 500);
  const e = await assertRejects(() => provider(), CredentialsUnavailableError);
  assertMatch(e.message, /\(StsBackoff\); STS is throttling requests; retry in 1 s/);
  assertEquals(sts.calls.length, 1, "no call inside the window");
  assertEquals(creds.retryAfterMs(request("carol@example.com")), 0, "other principals unaffected");
  now += 500;
  answer = "ok";
  assertEquals(creds.retryAfterMs(bob), 0);
  assertEquals((await provider()).accessKeyId, "AKIA2");
  assertEquals(sts.calls.length, 2);
  assertEquals(metrics.total("StsAssume", { Outcome: "ok" }), 1);
  answer = awsError("Throttling", 400);
  now += HOUR - 60_000; // inside the refresh window of the cached credentials
  assertEquals((await provider()).accessKeyId, "AKIA2", "valid credentials are served");
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(sts.calls.length, 3, "the early refresh was throttled");
  assertEquals(creds.retryAfterMs(bob), 0, "valid credentials: nothing to wait for");
  assertEquals((await provider()).accessKeyId, "AKIA2");
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(sts.calls.length, 3, "no refresh attempt inside the window");
});

Deno.test("sts backoff: AccessDenied opens no window and stays an immediate, clear error", async () => {
  const now = 0;
  const sts = fakeSts(() => now, () => awsError("AccessDenied", 403));
  const { creds, lines } = perUser(() => now, sts.client);
  const dan = request("dan@example.com");
  const provider = creds.provider(dan);
  for (let i = 0; i < 3; i++) {
    const e = await assertRejects(() => provider(), CredentialsUnavailableError);
    assertMatch(e.message, /\(AccessDenied\); check the role's trust policy and the allow-list/);
    assertEquals(creds.retryAfterMs(dan), 0);
  }
  assertEquals(
    sts.calls.length,
    3,
    "every request asks STS again: a fixed trust policy works at once",
  );
  const logged = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "sts_assume");
  assert(logged.every((r) => r.backoff_ms === undefined), "no window logged");
});
