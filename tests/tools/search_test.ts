/**
 * search end to end over HTTP (both eras) and stdio against moto and a local fake Quilt registry:
 * - package_search: names, messages and metadata (all terms), bounded scans continued with a
 *   cursor, prefixes, large metadata, bad input;
 * - catalog_search: GraphQL at <registryUrl>/graphql with the caller's own catalog credential —
 *   on the web the verified token only when its audience also names the registry, on the desktop
 *   the quilt3 login — asserting the exact Authorization header the registry received in every
 *   case, and that a token meant only for this server never reaches it; registry errors, paging.
 */
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  connectHttp,
  connectStdio,
  type Era,
  seedBucket,
  STACK_PUBLIC_URL,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk, listedTools } from "./helpers_transports.ts";
import { putRaw, writeRevision } from "./peer/mod.ts";

const REG = "sr-reg";
const DATA = "sr-data"; // allowed, searched through the catalog
const OUTSIDE = "sr-outside";
const REGISTRY_AUDIENCE = "https://registry.example.test/quilt";
const DESKTOP_TOKEN = "desktop-access-token-7f3a";

interface Seen {
  path: string;
  auth: string | null;
  query: string;
  variables: Record<string, unknown>;
}

/** A fake Quilt registry: GraphQL search answers, and a record of every request's credential. */
function fakeRegistry() {
  const seen: Seen[] = [];
  const hit = (i: number) => ({
    bucket: DATA,
    name: `cat/pkg${i}`,
    hash: String(i).repeat(64).slice(0, 64),
    pointer: "latest",
    score: 10 - i,
    size: 1000 + i,
    modified: "2026-01-02T03:04:05Z",
    totalEntriesCount: i,
    comment: `revision ${i}`,
    meta: `{"i": ${i}.0}`,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req): Promise<Response> => {
      const url = new URL(req.url);
      const body = req.method === "POST" ? await req.json() : {};
      seen.push({
        path: `${req.method} ${url.pathname}`,
        auth: req.headers.get("authorization"),
        query: body.query ?? "",
        variables: body.variables ?? {},
      });
      // The catalog publishes where its registry is.
      if (url.pathname === "/config.json") return Response.json({ registryUrl: origin() });
      if (url.pathname !== "/graphql") return new Response("not here", { status: 404 });
      if (req.headers.get("authorization") === "Bearer revoked") {
        return new Response("unauthorized", { status: 401 });
      }
      const v = body.variables ?? {};
      const q = String(body.query);
      if (v.searchString === "boom") return new Response("oops", { status: 500 });
      if (v.searchString === "graphql-error") {
        return Response.json({ errors: [{ message: "search backend unavailable" }] });
      }
      if (q.includes("searchMorePackages")) {
        return Response.json({
          data: {
            searchMorePackages: {
              __typename: "PackagesSearchResultSetPage",
              cursor: null,
              hits: [hit(3)],
            },
          },
        });
      }
      if (q.includes("searchPackages")) {
        const result = v.searchString === "nothing"
          ? { __typename: "EmptySearchResultSet", _: null }
          : v.searchString === "bad:[syntax"
          ? {
            __typename: "InvalidInput",
            errors: [{
              path: "searchString",
              message: "malformed query string",
              name: "QuerySyntax",
            }],
          }
          : {
            __typename: "PackagesSearchResultSet",
            total: 3,
            firstPage: { cursor: "page-2", hits: [hit(1), hit(2)] },
          };
        return Response.json({ data: { searchPackages: result } });
      }
      if (q.includes("searchObjects")) {
        return Response.json({
          data: {
            searchObjects: {
              __typename: "ObjectsSearchResultSet",
              total: 1,
              firstPage: {
                cursor: null,
                hits: [{
                  bucket: DATA,
                  key: "reads/sample.fastq",
                  version: "v1",
                  score: 1.5,
                  size: 42,
                  modified: "2026-01-02T03:04:05Z",
                  deleted: false,
                }],
              },
            },
          },
        });
      }
      return Response.json({ errors: [{ message: "unknown query" }] });
    },
  );
  const origin = (): string => `http://127.0.0.1:${server.addr.port}`;
  return { seen, url: origin(), server };
}

async function quiltHome(
  registryUrl: string,
  auth: Record<string, unknown> | undefined,
): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "search-home-" });
  const dir = join(home, ".local", "share", "Quilt");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "config.yml"),
    `navigator_url: https://catalog.example.test\nregistryUrl: ${registryUrl}\n`,
  );
  if (auth) await Deno.writeTextFile(join(dir, "auth.json"), JSON.stringify(auth));
  return home;
}

Deno.test("search tools over HTTP (both eras) and stdio", async (t) => {
  const registry = fakeRegistry();
  const env = {
    QUILT_MCP_BUCKETS: `${REG},${DATA}`,
    QUILT_MCP_REGISTRY_URL: registry.url,
    QUILT_MCP_REGISTRY_AUDIENCE: REGISTRY_AUDIENCE,
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  const homes: string[] = [];
  try {
    await using stack = await startStack({ categories: ["search"], env });
    await seedBucket(stack.moto, REG);
    await seedBucket(stack.moto, DATA);
    await seedBucket(stack.moto, OUTSIDE);
    const s3 = adminS3(stack.moto);
    const pkgs: [string, string, string][] = [
      [
        "genomics/rna-seq",
        "RNA run 1",
        `{"assay": "RNA-seq", "organism": "mouse", "reads": 1.5e6}`,
      ],
      ["genomics/atac", "ATAC pilot", `{"assay": "ATAC-seq", "organism": "human"}`],
      ["imaging/plates", "Cell painting", `{"instrument": "Opera Phenix", "organism": "human"}`],
      ["imaging/tiles", "tiles for mouse brain", `{"instrument": "Zeiss"}`],
      ["misc/notes", "notes", `{"text": "Grüße aus dem Labor"}`],
      ["misc/huge", "huge metadata", JSON.stringify({ blob: "mouse ".repeat(2000) })],
    ];
    for (const [i, [name, message, meta]] of pkgs.entries()) {
      await writeRevision(s3, REG, name, {
        files: [{ lk: "README.md" }],
        message,
        userMeta: meta,
        timestamp: 1700000000 + i,
      });
    }
    // Two broken packages: a manifest whose first line is not JSON, and an empty latest pointer.
    const broken = "b".repeat(64);
    await putRaw(s3, REG, `.quilt/packages/${broken}`, "not json\n");
    await putRaw(s3, REG, ".quilt/named_packages/zz/broken/latest", broken);
    await putRaw(s3, REG, ".quilt/named_packages/zz/emptyptr/latest", "");
    s3.destroy();

    // Web clients present tokens minted for this server AND the registry; the desktop client
    // has a quilt3 login for the registry.
    const bothAud = [STACK_PUBLIC_URL, REGISTRY_AUDIENCE];
    const webToken = (subject: string) => stack.token(subject, {}, { audience: bothAud });
    const desktopHome = await quiltHome(registry.url, {
      [registry.url]: {
        access_token: DESKTOP_TOKEN,
        refresh_token: "r",
        expires_at: Date.now() / 1000 + 3600,
      },
    });
    homes.push(desktopHome);
    const tokens: Record<string, string> = {};
    const clients: { name: string; client: Client & AsyncDisposable; auth: string }[] = [];
    for (const era of ["legacy", "modern"] as Era[]) {
      const token = await webToken(`searcher-${era}`);
      tokens[era] = token;
      clients.push({
        name: `http-${era}`,
        client: await connectHttp(stack.server.origin, { token, era }),
        auth: `Bearer ${token}`,
      });
    }
    clients.push({
      name: "stdio",
      client: await stack.stdio({ env: { ...env, HOME: desktopHome } }),
      auth: `Bearer ${DESKTOP_TOKEN}`,
    });

    try {
      for (const { name, client, auth } of clients) {
        await t.step(`${name}: tools/list shows both search tools as read-only`, async () => {
          const tools = await listedTools(client);
          for (const tool of ["package_search", "catalog_search"]) {
            const a = tools.get(tool)!.annotations as Record<string, boolean>;
            assertEquals([a.readOnlyHint, a.destructiveHint], [true, false]);
          }
        });

        await t.step(`${name}: package_search matches names, messages and metadata`, async () => {
          const human = await callOk<
            {
              results: { name: string; matched_in: string[] }[];
              next_cursor: string | null;
              unreadable: string[];
              scanned: number;
            }
          >(
            client,
            "package_search",
            { bucket: REG, query: "HUMAN" },
          );
          assertEquals(human.results.map((r) => r.name), ["genomics/atac", "imaging/plates"]);
          assertEquals(human.results[0].matched_in, ["user_meta"]);
          assertEquals(human.next_cursor, null);
          assertEquals(human.scanned, 8);
          assertEquals(human.unreadable, [`${REG}/zz/broken`, `${REG}/zz/emptyptr`]);
          const both = await callOk<{ results: { name: string; matched_in: string[] }[] }>(
            client,
            "package_search",
            { bucket: REG, query: "mouse  tiles" },
          );
          assertEquals(both.results.map((r) => [r.name, r.matched_in.sort()]), [
            ["imaging/tiles", ["message", "name"]],
          ]);
          const nonAscii = await callOk<{ results: { name: string; user_meta: unknown }[] }>(
            client,
            "package_search",
            { bucket: REG, query: "grüße" },
          );
          assertEquals(nonAscii.results.map((r) => r.name), ["misc/notes"]);
          assertEquals(nonAscii.results[0].user_meta, { text: "Grüße aus dem Labor" });
          const huge = await callOk<
            { results: { name: string; user_meta?: unknown; user_meta_truncated: boolean }[] }
          >(
            client,
            "package_search",
            { bucket: REG, query: "mouse", prefix: "misc/" },
          );
          assertEquals(huge.results.map((r) => [r.name, r.user_meta, r.user_meta_truncated]), [
            ["misc/huge", undefined, true],
          ]);
          const numbers = await callOk<{ results: { name: string }[] }>(client, "package_search", {
            bucket: REG,
            query: "1500000",
          });
          assertEquals(numbers.results.map((r) => r.name), ["genomics/rna-seq"]);
        });

        await t.step(
          `${name}: package_search bounds its work and continues with a cursor`,
          async () => {
            const found: string[] = [];
            let cursor: string | undefined;
            let calls = 0;
            do {
              const page = await callOk<
                { results: { name: string }[]; scanned: number; next_cursor: string | null }
              >(
                client,
                "package_search",
                { bucket: REG, query: "mouse", max_packages: 2, ...(cursor ? { cursor } : {}) },
              );
              assert(page.scanned <= 2, `scanned ${page.scanned}`);
              found.push(...page.results.map((r) => r.name));
              cursor = page.next_cursor ?? undefined;
              calls++;
            } while (cursor && calls < 10);
            assertEquals(found, ["genomics/rna-seq", "imaging/tiles", "misc/huge"]);
            assertEquals(calls, 4);
            const limited = await callOk<{ results: { name: string }[]; next_cursor: string }>(
              client,
              "package_search",
              { bucket: REG, query: "mouse", limit: 1 },
            );
            assertEquals(limited.results.map((r) => r.name), ["genomics/rna-seq"]);
            const rest = await callOk<{ results: { name: string }[] }>(client, "package_search", {
              bucket: REG,
              query: "mouse",
              limit: 5,
              cursor: limited.next_cursor,
            });
            assertEquals(rest.results.map((r) => r.name), ["imaging/tiles", "misc/huge"]);
          },
        );

        await t.step(`${name}: package_search refuses bad input`, async () => {
          await callError(client, "package_search", { bucket: REG, query: "" });
          await callError(client, "package_search", { bucket: REG, query: "   " });
          await callError(client, "package_search", { bucket: REG, query: "x", limit: 0 });
          await callError(client, "package_search", {
            bucket: REG,
            query: "x",
            max_packages: 5000,
          });
          await callError(client, "package_search", { bucket: "no", query: "x" });
          assertMatch(
            await callError(client, "package_search", { bucket: OUTSIDE, query: "x" }),
            /not among the buckets/,
          );
          const page = await callOk<{ next_cursor: string }>(client, "package_search", {
            bucket: REG,
            query: "mouse",
            limit: 1,
          });
          assertMatch(
            await callError(client, "package_search", {
              bucket: REG,
              query: "human",
              cursor: page.next_cursor,
            }),
            /another search/,
          );
          assertMatch(
            await callError(client, "package_search", { bucket: REG, query: "x", cursor: "%%%" }),
            /cursor/,
          );
        });

        await t.step(
          `${name}: catalog_search presents the caller's own catalog credential`,
          async () => {
            const before = registry.seen.length;
            const out = await callOk<{
              registry: string;
              total: number;
              results: { type: string; name: string; top_hash: string; meta: string }[];
              next_cursor: string;
            }>(client, "catalog_search", { query: "rna", limit: 2 });
            assertEquals(out.registry, registry.url);
            assertEquals(out.total, 3);
            assertEquals(out.results.map((r) => r.name), ["cat/pkg1", "cat/pkg2"]);
            assertEquals(out.results[0].meta, `{"i": 1.0}`);
            const sent = registry.seen.slice(before);
            assertEquals(sent.map((s) => s.auth), [auth]);
            assertEquals(sent[0].variables, { buckets: [REG, DATA], searchString: "rna", size: 2 });
            const more = await callOk<{ results: { name: string }[]; next_cursor: string | null }>(
              client,
              "catalog_search",
              { query: "rna", limit: 2, cursor: out.next_cursor },
            );
            assertEquals(more.results.map((r) => r.name), ["cat/pkg3"]);
            assertEquals(more.next_cursor, null);
            assertEquals(registry.seen.at(-1)!.variables, { after: "page-2", size: 2 });
            const objects = await callOk<{ results: Record<string, unknown>[] }>(
              client,
              "catalog_search",
              {
                query: "fastq",
                scope: "objects",
                buckets: [DATA],
              },
            );
            assertEquals(objects.results, [{
              type: "object",
              bucket: DATA,
              key: "reads/sample.fastq",
              version_id: "v1",
              score: 1.5,
              size: 42,
              modified: "2026-01-02T03:04:05Z",
              deleted: false,
            }]);
            assertEquals(registry.seen.at(-1)!.variables.buckets, [DATA]);
            const empty = await callOk<{ total: number; results: unknown[] }>(
              client,
              "catalog_search",
              {
                query: "nothing",
              },
            );
            assertEquals([empty.total, empty.results.length], [0, 0]);
            assert(registry.seen.slice(before).every((s) => s.auth === auth));
          },
        );

        await t.step(
          `${name}: catalog_search reports registry problems and bad input`,
          async () => {
            assertMatch(await callError(client, "catalog_search", { query: "boom" }), /HTTP 500/);
            assertMatch(
              await callError(client, "catalog_search", { query: "graphql-error" }),
              /search backend unavailable/,
            );
            assertMatch(
              await callError(client, "catalog_search", { query: "bad:[syntax" }),
              /malformed query string/,
            );
            const calls = registry.seen.length;
            assertMatch(
              await callError(client, "catalog_search", { query: "x", buckets: [OUTSIDE] }),
              /not among the buckets/,
            );
            await callError(client, "catalog_search", { query: "" });
            await callError(client, "catalog_search", { query: "x", limit: 101 });
            await callError(client, "catalog_search", { query: "x", scope: "everything" });
            const page = await callOk<{ next_cursor: string }>(client, "catalog_search", {
              query: "rna",
            });
            assertMatch(
              await callError(client, "catalog_search", {
                query: "rna",
                scope: "objects",
                cursor: page.next_cursor,
              }),
              /another search/,
            );
            // Refused inputs never reach the registry (only the one valid search above did).
            assertEquals(registry.seen.length, calls + 1);
          },
        );
      }
    } finally {
      await Promise.all(clients.map((c) => c.client.close()));
    }

    await t.step(
      "web: a token meant only for this server is never sent to the registry",
      async () => {
        const before = registry.seen.length;
        const serverOnly = await stack.token("server-only");
        const otherAud = await stack.token("other-aud", {}, {
          audience: [STACK_PUBLIC_URL, "https://someone-else.example"],
        });
        for (const token of [serverOnly, otherAud]) {
          await using client = await connectHttp(stack.server.origin, { token, era: "modern" });
          const msg = await callError(client, "catalog_search", { query: "rna" });
          assertMatch(msg, /audience also includes the Quilt registry/);
          assert(msg.includes(REGISTRY_AUDIENCE), msg);
          // package_search still works: the token is fine for this server.
          await callOk(client, "package_search", { bucket: REG, query: "human" });
        }
        assertEquals(registry.seen.length, before, "the registry was contacted");
        // Over the whole run, the registry saw only tokens whose audience names it.
        const allowed = new Set([
          `Bearer ${DESKTOP_TOKEN}`,
          ...Object.values(tokens).map((t) => `Bearer ${t}`),
        ]);
        assertEquals(registry.seen.filter((s) => !allowed.has(s.auth ?? "")), []);
        assert(!registry.seen.some((s) => s.auth === `Bearer ${serverOnly}`));
      },
    );

    await t.step("a registry that rejects the credential (401) is reported clearly", async () => {
      const home = await quiltHome(registry.url, {
        [registry.url]: {
          access_token: "revoked",
          refresh_token: "r",
          expires_at: Date.now() / 1000 + 3600,
        },
      });
      homes.push(home);
      await using client = await connectStdio({ ...stack.serverEnv, ...env, HOME: home });
      const before = registry.seen.length;
      assertMatch(
        await callError(client, "catalog_search", { query: "rna" }),
        /refused your catalog credential \(HTTP 401\)/,
      );
      assertEquals(registry.seen.slice(before).map((s) => s.auth), ["Bearer revoked"]);
    });

    await t.step(
      "desktop: the registry comes from the quilt3 login; missing or expired logins are explained",
      async () => {
        const { QUILT_MCP_REGISTRY_URL: _, ...noRegistry } = env;
        {
          await using client = await connectStdio({
            ...stack.serverEnv,
            ...noRegistry,
            HOME: desktopHome,
          });
          const before = registry.seen.length;
          const out = await callOk<{ registry: string }>(client, "catalog_search", {
            query: "rna",
          });
          assertEquals(out.registry, registry.url);
          assertEquals(registry.seen.slice(before).map((s) => s.auth), [`Bearer ${DESKTOP_TOKEN}`]);
        }
        {
          // From the catalog's config.json, which is fetched without any credential.
          await using client = await connectStdio({
            ...stack.serverEnv,
            ...noRegistry,
            QUILT_MCP_CATALOG_URL: registry.url,
            HOME: desktopHome,
          });
          const before = registry.seen.length;
          const out = await callOk<{ registry: string }>(client, "catalog_search", {
            query: "rna",
          });
          assertEquals(out.registry, registry.url);
          assertEquals(
            registry.seen.slice(before).map((s) => [s.path, s.auth]),
            [["GET /config.json", null], ["POST /graphql", `Bearer ${DESKTOP_TOKEN}`]],
          );
        }
        const noLogin = await quiltHome(registry.url, undefined);
        // Expired and not refreshable (no refresh token): explained without a network call. A
        // refreshable login is refreshed through /api/token (tests/server/quilt3_login_test.ts).
        const expired = await quiltHome(registry.url, {
          [registry.url]: {
            access_token: "old",
            expires_at: Date.now() / 1000 - 60,
          },
        });
        const otherRegistry = await quiltHome(registry.url, {
          "https://another-registry.example": {
            access_token: "x",
            refresh_token: "r",
            expires_at: Date.now() / 1000 + 3600,
          },
        });
        const empty = await Deno.makeTempDir({ prefix: "search-home-" });
        homes.push(noLogin, expired, otherRegistry, empty);
        const before = registry.seen.length;
        for (
          const [home, pattern, extra] of [
            [noLogin, /quilt3 login/, env],
            [expired, /expired/, env],
            [otherRegistry, /quilt3 login/, env],
            [empty, /No Quilt registry is configured/, noRegistry],
            [desktopHome, /switched off/, { ...env, QUILT_MCP_USE_QUILT3_LOGIN: "false" }],
          ] as const
        ) {
          await using client = await connectStdio({ ...stack.serverEnv, ...extra, HOME: home });
          assertMatch(await callError(client, "catalog_search", { query: "rna" }), pattern);
        }
        assertEquals(registry.seen.length, before, "no request without a usable login");
      },
    );
  } finally {
    await registry.server.shutdown();
    for (const h of homes) await Deno.remove(h, { recursive: true });
  }
});
