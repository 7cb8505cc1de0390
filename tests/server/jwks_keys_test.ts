/**
 * The JWKS verifier's key set with an injected clock and a scripted issuer: stale-if-error within
 * the configured staleness, background refresh, at most one fetch per cooldown while the issuer is
 * down (with keys and without), key rotation through one refetch on an unknown `kid`, and a token
 * whose key was removed refused after the refresh. Tokens are real RS256 JWTs; only the issuer's
 * availability and the clock are scripted.
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { assert, assertEquals, assertRejects } from "../harness/mod.ts";
import { JwksUnavailableError, TokenRejectedError } from "../../server/auth/errors.ts";
import { JWKS_COOLDOWN_MS, JWKS_REFRESH_AFTER_MS } from "../../server/auth/jwks_keys.ts";
import { JwksVerifier } from "../../server/auth/verifier.ts";

const ISSUER = "https://issuer.example/";
const AUDIENCE = "https://mcp.example.com/mcp";
const HOUR = 3_600_000;

interface SigningKey {
  readonly kid: string;
  readonly jwk: JWK;
  sign(subject: string): Promise<string>;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    kid,
    jwk,
    sign: (subject) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime("2h")
        .sign(privateKey),
  };
}

let generated: Promise<SigningKey[]> | undefined;
/** The test keys, generated on first use (inside a test, so a failure fails that test). */
const keys = () => (generated ??= Promise.all(["k1", "k2", "k3"].map(signingKey)));

/** A scripted issuer and a verifier reading it through an injected clock. */
function setup(K1: SigningKey, options: { maxStaleMs?: number; published?: SigningKey[] } = {}) {
  const issuer = { up: true, published: options.published ?? [K1], fetches: 0 };
  const clock = { now: 0 };
  const verifier = new JwksVerifier("https://issuer.example/jwks", ["RS256"], {
    issuer: ISSUER,
    audience: AUDIENCE,
    resource: AUDIENCE,
    clockToleranceSeconds: 30,
    keys: {
      maxStaleMs: options.maxStaleMs ?? 24 * HOUR,
      now: () => clock.now,
      fetchJwks: () => {
        issuer.fetches++;
        if (!issuer.up) return Promise.reject(new TypeError("connection refused"));
        return Promise.resolve({ keys: issuer.published.map((k) => k.jwk) });
      },
    },
  });
  return { issuer, clock, verifier };
}

/** Lets a background refresh (a resolved fake fetch) finish. */
const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("jwks: issuer down far longer than the cache age → requests with known keys keep succeeding; fetches ≤ 1 per cooldown", async () => {
  const [K1] = await keys();
  const { issuer, clock, verifier } = setup(K1);
  const token = await K1.sign("alice");
  await verifier.verifyAccessToken(token);
  assertEquals(issuer.fetches, 1);
  issuer.up = false;
  const downFrom = clock.now;
  // Steps shorter than the cooldown, so a second fetch inside one cooldown would be seen.
  for (clock.now = 2500; clock.now <= 40 * 60_000; clock.now += JWKS_COOLDOWN_MS / 2) {
    const info = await verifier.verifyAccessToken(token);
    assertEquals(info.extra?.claims && (info.extra.claims as { subject: string }).subject, "alice");
    await settle();
    if (clock.now < JWKS_REFRESH_AFTER_MS) assertEquals(issuer.fetches, 1, "fresh keys: no fetch");
  }
  const downMs = clock.now - downFrom;
  const attempts = issuer.fetches - 1;
  assert(attempts > 0, "background refreshes were attempted");
  assert(
    attempts <= Math.floor((downMs - JWKS_REFRESH_AFTER_MS) / JWKS_COOLDOWN_MS) + 1,
    `${attempts} fetches in ${downMs} ms: more than one per cooldown`,
  );
});

Deno.test("jwks: beyond the maximum staleness a down issuer means 503, and the issuer's return ends it", async () => {
  const [K1] = await keys();
  const { issuer, clock, verifier } = setup(K1, { maxStaleMs: HOUR });
  const token = await K1.sign("bob");
  await verifier.verifyAccessToken(token);
  issuer.up = false;
  clock.now = HOUR;
  await verifier.verifyAccessToken(token); // within the bound: served (stale-if-error)
  await settle();
  clock.now = HOUR + 1000;
  await assertRejects(() => verifier.verifyAccessToken(token), JwksUnavailableError);
  const fetches = issuer.fetches;
  for (let i = 0; i < 50; i++) {
    await assertRejects(() => verifier.verifyAccessToken(token), JwksUnavailableError);
  }
  assertEquals(issuer.fetches, fetches, "no fetch within the cooldown, however many requests");
  issuer.up = true;
  clock.now += JWKS_COOLDOWN_MS;
  await verifier.verifyAccessToken(token);
  assertEquals(issuer.fetches, fetches + 1);
});

Deno.test("jwks: no keys yet and the issuer down → 503 for everyone, one fetch per cooldown, then recovery", async () => {
  const [K1] = await keys();
  const { issuer, clock, verifier } = setup(K1);
  issuer.up = false;
  const token = await K1.sign("carol");
  const burst = await Promise.allSettled(
    Array.from({ length: 100 }, () => verifier.verifyAccessToken(token)),
  );
  assert(burst.every((r) => r.status === "rejected" && r.reason instanceof JwksUnavailableError));
  assertEquals(issuer.fetches, 1, "concurrent cold requests share one fetch");
  clock.now = JWKS_COOLDOWN_MS - 1;
  await assertRejects(() => verifier.verifyAccessToken(token), JwksUnavailableError);
  assertEquals(issuer.fetches, 1);
  await assertRejects(() => verifier.probe(), JwksUnavailableError); // readiness reports it
  issuer.up = true;
  clock.now = JWKS_COOLDOWN_MS;
  await verifier.verifyAccessToken(token);
  assertEquals(issuer.fetches, 2);
  await verifier.probe();
});

Deno.test("jwks: rotation — an unknown kid refetches once and finds the new key; unknown kids cannot force more fetches", async () => {
  const [K1, K2, K3] = await keys();
  const { issuer, clock, verifier } = setup(K1);
  await verifier.verifyAccessToken(await K1.sign("dan"));
  issuer.published = [K1, K2];
  clock.now = 10_000;
  await verifier.verifyAccessToken(await K2.sign("dan"));
  assertEquals(issuer.fetches, 2, "one refetch found the new key");
  clock.now = 20_000;
  const stranger = await K3.sign("mallory");
  const refused = await Promise.allSettled(
    Array.from({ length: 50 }, () => verifier.verifyAccessToken(stranger)),
  );
  assert(refused.every((r) => r.status === "rejected" && r.reason instanceof TokenRejectedError));
  assertEquals(issuer.fetches, 3, "fifty unknown-kid tokens made one fetch");
  clock.now = 21_000;
  await assertRejects(() => verifier.verifyAccessToken(stranger), TokenRejectedError);
  assertEquals(issuer.fetches, 3, "within the cooldown: refused without a fetch");
  await verifier.verifyAccessToken(await K1.sign("dan")); // known keys unaffected
});

Deno.test("jwks: a token signed by a removed key is refused after the refresh", async () => {
  const [K1, K2] = await keys();
  const { issuer, clock, verifier } = setup(K1, { published: [K1, K2] });
  const old = await K1.sign("erin");
  await verifier.verifyAccessToken(old);
  issuer.published = [K2];
  clock.now = JWKS_REFRESH_AFTER_MS;
  await verifier.verifyAccessToken(old); // served from the held set; starts the background refresh
  await settle();
  assertEquals(issuer.fetches, 2);
  const e = await assertRejects(() => verifier.verifyAccessToken(old), TokenRejectedError);
  assertEquals((e as TokenRejectedError).reason, "invalid_token");
  await verifier.verifyAccessToken(await K2.sign("erin"));
  clock.now += JWKS_COOLDOWN_MS;
  await assertRejects(() => verifier.verifyAccessToken(old), TokenRejectedError);
  assertEquals(issuer.fetches, 3, "after the cooldown the unknown kid was looked up once more");
});

Deno.test("jwks: an unknown kid while the issuer is down is a 503 (the key may exist), not a 401", async () => {
  const [K1, K2] = await keys();
  const { issuer, clock, verifier } = setup(K1);
  await verifier.verifyAccessToken(await K1.sign("fay"));
  issuer.up = false;
  clock.now = JWKS_COOLDOWN_MS;
  const rotated = await K2.sign("fay");
  await assertRejects(() => verifier.verifyAccessToken(rotated), JwksUnavailableError);
  await verifier.verifyAccessToken(await K1.sign("fay")); // known keys keep working
});
