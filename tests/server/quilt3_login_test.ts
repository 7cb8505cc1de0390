/** The quilt3 login's registry token: used while valid, refreshed through /api/token as quilt3 does. */
import { join } from "node:path";
import { assertEquals, assertRejects } from "../harness/mod.ts";
import { quilt3AccessToken, Quilt3LoginError } from "../../server/auth/desktop.ts";

const REGISTRY = "https://registry.example.com";

async function loginDir(entry: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "auth.json"), JSON.stringify({ [REGISTRY]: entry }));
  return dir;
}

Deno.test("quilt3 login: a valid token is used as is, without a network call", async () => {
  const dir = await loginDir({
    access_token: "a1",
    refresh_token: "r1",
    expires_at: Date.now() / 1000 + 3600,
  });
  const noFetch = () => Promise.reject(new Error("no network expected"));
  assertEquals(await quilt3AccessToken(dir, REGISTRY, noFetch), "a1");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("quilt3 login: a token expiring within a minute is refreshed with the refresh token", async () => {
  const dir = await loginDir({
    access_token: "old",
    refresh_token: "r1",
    expires_at: Date.now() / 1000 + 30,
  });
  const calls: string[] = [];
  const fakeFetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push(`${init?.method} ${url} ${await new Response(init?.body).text()}`);
    return Response.json({
      access_token: "fresh",
      refresh_token: "r2",
      expires_at: Date.now() / 1000 + 3600,
    });
  };
  assertEquals(await quilt3AccessToken(dir, REGISTRY, fakeFetch as typeof fetch), "fresh");
  assertEquals(calls, [`POST ${REGISTRY}/api/token refresh_token=r1`]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("quilt3 login: no login, no refresh token, or a refusal are clear errors", async () => {
  const none = await Deno.makeTempDir();
  await assertRejects(() => quilt3AccessToken(none, REGISTRY), Quilt3LoginError, "quilt3 login");
  const noRefresh = await loginDir({ access_token: "old", expires_at: 1 });
  await assertRejects(() => quilt3AccessToken(noRefresh, REGISTRY), Quilt3LoginError, "expired");
  const refused = await loginDir({ access_token: "old", refresh_token: "r", expires_at: 1 });
  const deny = () => Promise.resolve(new Response("no", { status: 401 }));
  await assertRejects(
    () => quilt3AccessToken(refused, REGISTRY, deny as typeof fetch),
    Quilt3LoginError,
    "401",
  );
  for (const d of [none, noRefresh, refused]) await Deno.remove(d, { recursive: true });
});
