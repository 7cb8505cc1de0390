/**
 * HS256 secrets read from Secrets Manager and kept current without a restart, with an injected
 * clock and a scripted secret: a just-promoted secret is learnt on the first token it signed
 * (signature mismatch → one re-read), AWSPREVIOUS stays accepted through the window, a secret that
 * left AWSPREVIOUS is dropped at the next interval re-read, unknown signatures cannot force more
 * than one re-read per cooldown, and a failed or weak re-read keeps the secrets held.
 */
import { assert, assertEquals, assertRejects, hs256Token } from "../harness/mod.ts";
import { TokenRejectedError } from "../../server/auth/errors.ts";
import {
  RotatingHs256Secrets,
  type SecretRefreshEvent,
  SigningSecretError,
} from "../../server/auth/secret_source.ts";
import { Hs256Verifier } from "../../server/auth/verifier.ts";

const ISSUER = "https://issuer.example/";
const AUDIENCE = "https://mcp.example.com/mcp";
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:quilt-mcp/jwt-AbCdEf";
const REFRESH_MS = 300_000;
const COOLDOWN_MS = 30_000;

const secret = (c: string) => c.repeat(48);
const S1 = secret("a");
const S2 = secret("b");
const S3 = secret("c");

const token = (subject: string, key: string) =>
  hs256Token({
    sub: subject,
    iss: ISSUER,
    aud: AUDIENCE,
    exp: Math.floor(Date.now() / 1000) + 600,
  }, key);

/** A secret in a scripted Secrets Manager, a clock, and a verifier over them. */
async function setup() {
  const store: { AWSCURRENT?: string; AWSPREVIOUS?: string; failing: boolean; reads: number } = {
    AWSCURRENT: S1,
    failing: false,
    reads: 0,
  };
  const clock = { now: 0 };
  const events: SecretRefreshEvent[] = [];
  const secrets = await RotatingHs256Secrets.start(ARN, (_arn, stage) => {
    store.reads++;
    if (store.failing) return Promise.reject(new SigningSecretError("Secrets Manager unreachable"));
    return Promise.resolve(store[stage]);
  }, {
    refreshMs: REFRESH_MS,
    mismatchCooldownMs: COOLDOWN_MS,
    now: () => clock.now,
    onRefresh: (e) => events.push(e),
  });
  const verifier = new Hs256Verifier(secrets, {
    issuer: ISSUER,
    audience: AUDIENCE,
    resource: AUDIENCE,
    clockToleranceSeconds: 30,
  });
  const accepts = async (key: string) => {
    try {
      await verifier.verifyAccessToken(await token("someone", key));
      return true;
    } catch (e) {
      if (e instanceof TokenRejectedError) return false;
      throw e;
    }
  };
  return { store, clock, events, verifier, accepts };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("hs256 rotation: a promoted secret is accepted at once, the previous one through the window, no restart", async () => {
  const { store, clock, events, accepts } = await setup();
  assert(await accepts(S1));
  // Rotation in Secrets Manager: S2 becomes AWSCURRENT, S1 moves to AWSPREVIOUS.
  store.AWSCURRENT = S2;
  store.AWSPREVIOUS = S1;
  clock.now = 1000;
  assert(await accepts(S2), "the first token signed with the new secret triggers a re-read");
  assertEquals(events.map((e) => [e.reason, e.outcome, e.changed]), [
    ["signature_mismatch", "ok", true],
  ]);
  assert(await accepts(S1), "tokens signed with the previous secret stay valid");
  // Next rotation: S3 current, S2 previous; S1 is no longer published.
  store.AWSCURRENT = S3;
  store.AWSPREVIOUS = S2;
  clock.now = 2000;
  assert(await accepts(S1), "until the next interval re-read, the held S1 still verifies");
  clock.now = 1000 + REFRESH_MS;
  assert(await accepts(S2)); // uses the held keys and starts the interval re-read
  await settle();
  assertEquals(events.at(-1)?.reason, "interval");
  assert(!(await accepts(S1)), "a secret that left AWSPREVIOUS is refused after the re-read");
  assert(await accepts(S3));
});

Deno.test("hs256 rotation: unknown signatures make at most one re-read per cooldown", async () => {
  const { store, clock, accepts } = await setup();
  const before = store.reads;
  for (let i = 0; i < 25; i++) assert(!(await accepts(secret(String.fromCharCode(100 + i)))));
  assertEquals(store.reads - before, 2, "one re-read (AWSCURRENT + AWSPREVIOUS) for 25 tokens");
  clock.now = COOLDOWN_MS - 1;
  assert(!(await accepts(secret("z"))));
  assertEquals(store.reads - before, 2);
  clock.now = COOLDOWN_MS;
  assert(!(await accepts(secret("z"))));
  assertEquals(store.reads - before, 4, "the next cooldown allows one more");
});

Deno.test("hs256 rotation: a failed or weak re-read keeps the secrets held", async () => {
  const { store, clock, events, accepts } = await setup();
  store.failing = true;
  clock.now = REFRESH_MS;
  assert(await accepts(S1));
  await settle();
  assertEquals(events.at(-1)?.outcome, "error");
  assert(await accepts(S1), "still the secret");
  store.failing = false;
  store.AWSCURRENT = "short-secret";
  clock.now = 2 * REFRESH_MS;
  assert(await accepts(S1));
  await settle();
  assertEquals(events.at(-1)?.outcome, "error", "a value under 32 bytes is refused");
  assert(events.at(-1)?.error?.includes("shorter than 32 bytes"));
  assert(await accepts(S1));
});

Deno.test("hs256 rotation: the first read must succeed (the server refuses to start otherwise)", async () => {
  await assertRejects(
    () =>
      RotatingHs256Secrets.start(ARN, () => Promise.resolve("too-short"), {
        refreshMs: REFRESH_MS,
      }),
    SigningSecretError,
    "shorter than 32 bytes",
  );
  await assertRejects(
    () => RotatingHs256Secrets.start(ARN, () => Promise.resolve(undefined), { refreshMs: 1000 }),
    SigningSecretError,
    "has no string value",
  );
});
