/**
 * Unit tests of the credential cache with an injected clock: refresh window, expiry, LRU, a failed
 * refresh. What happens after an AssumeRole fails (the STS backoff) is tested in sts_backoff_test.ts.
 */
import { assert, assertEquals, assertRejects } from "../harness/mod.ts";
import { CredentialCache, type TemporaryCredentials } from "../../server/auth/credential_cache.ts";

const HOUR = 3_600_000;

function creds(id: string, expiresAt: number): TemporaryCredentials {
  return {
    accessKeyId: id,
    secretAccessKey: "s",
    sessionToken: "t",
    expiration: new Date(expiresAt),
  };
}

Deno.test("credential cache: hit while fresh, early refresh keeps serving, expiry waits for the refresh", async () => {
  let now = 0;
  let calls = 0;
  const hits: string[] = [];
  const cache = new CredentialCache({
    maxEntries: 10,
    now: () => now,
    onHit: () => hits.push("hit"),
    onMiss: () => hits.push("miss"),
  });
  const fetch = () => Promise.resolve(creds(`v${++calls}`, now + HOUR));
  assertEquals((await cache.get("k", fetch)).accessKeyId, "v1");
  now = 30 * 60_000;
  assertEquals((await cache.get("k", fetch)).accessKeyId, "v1", "fresh: served from the cache");
  assertEquals(calls, 1);
  now = HOUR - 4 * 60_000; // inside the 5-minute refresh window
  assertEquals(
    (await cache.get("k", fetch)).accessKeyId,
    "v1",
    "still valid: served while refreshing",
  );
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(calls, 2, "the refresh started before expiry");
  assertEquals((await cache.get("k", fetch)).accessKeyId, "v2");
  now = 3 * HOUR; // long after v2 expired
  assertEquals(
    (await cache.get("k", fetch)).accessKeyId,
    "v3",
    "expired: waits for new credentials",
  );
  assertEquals(hits, ["miss", "hit", "miss", "hit", "miss"]);
});

Deno.test("credential cache: single flight per key", async () => {
  let calls = 0;
  const cache = new CredentialCache({ maxEntries: 10 });
  const slow = () =>
    new Promise<TemporaryCredentials>((r) =>
      setTimeout(() => r(creds(`v${++calls}`, Date.now() + HOUR)), 20)
    );
  const all = await Promise.all(Array.from({ length: 50 }, () => cache.get("k", slow)));
  assertEquals(calls, 1);
  assert(all.every((c) => c.accessKeyId === "v1"));
});

Deno.test("credential cache: still-valid credentials survive a failed refresh and stay reported valid", async () => {
  let now = 0;
  const cache = new CredentialCache({ maxEntries: 10, now: () => now });
  await assertRejects(
    () => cache.get("k", () => Promise.reject(new Error("sts down"))),
    Error,
    "sts down",
  );
  assertEquals(cache.holdsValid("k"), false, "a failed first fetch leaves nothing to serve");
  await cache.get("k", () => Promise.resolve(creds("v1", now + HOUR)));
  now = HOUR - 60_000;
  const served = await cache.get("k", () => Promise.reject(new Error("throttled")));
  assertEquals(served.accessKeyId, "v1");
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(cache.size, 1, "valid credentials kept after the failed early refresh");
  assertEquals(cache.holdsValid("k"), true);
  now = HOUR + 1;
  assertEquals(cache.holdsValid("k"), false, "expired credentials are not valid");
});

Deno.test("credential cache: bounded LRU and explicit drop", async () => {
  const cache = new CredentialCache({ maxEntries: 3 });
  const f = (id: string) => () => Promise.resolve(creds(id, Date.now() + HOUR));
  for (const k of ["a", "b", "c"]) await cache.get(k, f(k));
  await cache.get("a", f("a2")); // touch a: b is now least recently used
  await cache.get("d", f("d"));
  assertEquals(cache.size, 3);
  assertEquals((await cache.get("a", f("again"))).accessKeyId, "a", "a survived");
  assertEquals((await cache.get("b", f("b2"))).accessKeyId, "b2", "b was evicted");
  cache.drop("d");
  assertEquals((await cache.get("d", f("d2"))).accessKeyId, "d2");
  assertEquals(
    CredentialCache.key("r", "s", { B: "2", A: "1" }),
    CredentialCache.key("r", "s", { A: "1", B: "2" }),
    "tag order does not change the key",
  );
});
