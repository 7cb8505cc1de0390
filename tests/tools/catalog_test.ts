/**
 * catalog tools end to end over HTTP (both eras) and stdio: catalog_url (package pages, bucket
 * pages, links from quilt+s3 URIs) and catalog_uri (parse and build, round trips), with the
 * configured catalog or an explicit one; bad input of every kind; and proof that they make no
 * AWS call (the HTTP server's AWS traffic goes through a recording proxy).
 */
import { assert, assertEquals, assertMatch, startStack } from "../harness/mod.ts";
import { callError, callOk, closeAll, listedTools, openTransports } from "./helpers_transports.ts";

const HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const CATALOG = "https://catalog.example.com";

interface UriOut {
  uri: string;
  bucket: string;
  package: string;
  top_hash: string | null;
  tag: string | null;
  path: string | null;
  catalog: string | null;
  catalog_url: string | null;
}

Deno.test("catalog tools over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_CATALOG_URL: CATALOG,
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  // governance only as the positive control of the AWS proxy (auth_status calls STS).
  await using stack = await startStack({
    categories: ["catalog", "governance"],
    env,
    viaProxy: true,
  });
  const transports = await openTransports(stack, "linker", env);
  try {
    for (const { name, client } of transports) {
      await t.step(`${name}: tools/list marks both tools local-only`, async () => {
        const tools = await listedTools(client);
        for (const tool of [tools.get("catalog_url")!, tools.get("catalog_uri")!]) {
          const a = tool.annotations as Record<string, boolean>;
          assertEquals(
            [a.readOnlyHint, a.destructiveHint, a.idempotentHint, a.openWorldHint],
            [true, false, true, false],
          );
        }
      });

      await t.step(`${name}: catalog_url builds package and bucket pages`, async () => {
        const latest = await callOk<{ url: string; kind: string; catalog: string }>(
          client,
          "catalog_url",
          { bucket: "my-bucket", package: "team/data" },
        );
        assertEquals(latest, {
          url: `${CATALOG}/b/my-bucket/packages/team/data/tree/latest`,
          kind: "package",
          catalog: CATALOG,
        });
        const pinned = await callOk<{ url: string }>(client, "catalog_url", {
          bucket: "my-bucket",
          package: "team/data",
          revision: HASH.toUpperCase(),
          path: "dir with space/é.csv",
        });
        assertEquals(
          pinned.url,
          `${CATALOG}/b/my-bucket/packages/team/data/tree/${HASH}/dir%20with%20space/%C3%A9.csv`,
        );
        const object = await callOk<{ url: string; kind: string }>(client, "catalog_url", {
          bucket: "my-bucket",
          path: "raw/a+b.txt",
          version_id: "3/L4kqtJl+a=",
          catalog: "other.example.org",
        });
        assertEquals(object, {
          url:
            "https://other.example.org/b/my-bucket/tree/raw/a%2Bb.txt?version=3%2FL4kqtJl%2Ba%3D",
          kind: "bucket",
          catalog: "https://other.example.org",
        });
        const fromUri = await callOk<{ url: string }>(client, "catalog_url", {
          uri: `quilt+s3://my-bucket#package=team/data@${HASH}&path=sub/`,
        });
        assertEquals(fromUri.url, `${CATALOG}/b/my-bucket/packages/team/data/tree/${HASH}/sub/`);
        const bucketRoot = await callOk<{ url: string }>(client, "catalog_url", {
          bucket: "my-bucket",
        });
        assertEquals(bucketRoot.url, `${CATALOG}/b/my-bucket`);
      });

      await t.step(`${name}: catalog_url refuses bad input`, async () => {
        await callError(client, "catalog_url", { bucket: "Bad_Bucket" });
        await callError(client, "catalog_url", { bucket: "my-bucket", package: "nopkg" });
        assertMatch(
          await callError(client, "catalog_url", {
            bucket: "my-bucket",
            package: "team/data",
            revision: "abc123",
          }),
          /full 64-digit top hash/,
        );
        assertMatch(
          await callError(client, "catalog_url", {
            bucket: "my-bucket",
            package: "team/data",
            path: "../etc/passwd",
          }),
          /segment/,
        );
        assertMatch(
          await callError(client, "catalog_url", {
            bucket: "my-bucket",
            catalog: "http://evil.example.com",
          }),
          /https/,
        );
        assertMatch(
          await callError(client, "catalog_url", {
            bucket: "my-bucket",
            catalog: "https://catalog.example.com/path?x=1",
          }),
          /bare host/,
        );
        assertMatch(
          await callError(client, "catalog_url", {
            uri: "quilt+s3://my-bucket#package=team/data@abcdef",
          }),
          /full top hash/,
        );
        await callError(client, "catalog_url", { uri: "s3://my-bucket/key" });
        await callError(client, "catalog_url", {});
        await callError(client, "catalog_url", {
          bucket: "my-bucket",
          package: "team/data",
          version_id: "v1",
        });
      });

      await t.step(`${name}: catalog_uri parses and builds quilt+s3 URIs`, async () => {
        const parsed = await callOk<UriOut>(client, "catalog_uri", {
          uri:
            "quilt+s3://my-bucket#package=team/data:latest&path=dir/%C3%A9.csv&catalog=open.example.org",
        });
        assertEquals(parsed, {
          uri:
            "quilt+s3://my-bucket#package=team/data:latest&path=dir%2F%C3%A9.csv&catalog=open.example.org",
          bucket: "my-bucket",
          package: "team/data",
          top_hash: null,
          tag: "latest",
          path: "dir/é.csv",
          catalog: "open.example.org",
          catalog_url:
            "https://open.example.org/b/my-bucket/packages/team/data/tree/latest/dir/%C3%A9.csv",
        });
        const built = await callOk<UriOut>(client, "catalog_uri", {
          bucket: "my-bucket",
          package: "team/data",
          top_hash: "ABCDEF12",
          path: "data/",
        });
        assertEquals(
          built.uri,
          "quilt+s3://my-bucket#package=team/data@abcdef12&path=data%2F&catalog=catalog.example.com",
        );
        // A short hash cannot be linked without resolving it (no AWS call here).
        assertEquals(built.catalog_url, null);
        const back = await callOk<UriOut>(client, "catalog_uri", { uri: built.uri });
        assertEquals([back.bucket, back.package, back.top_hash, back.path], [
          "my-bucket",
          "team/data",
          "abcdef12",
          "data/",
        ]);
        const full = await callOk<UriOut>(client, "catalog_uri", {
          bucket: "my-bucket",
          package: "team/data",
          top_hash: HASH,
          catalog: "https://other.example.org",
        });
        assertEquals(full.catalog, "other.example.org");
        assertEquals(
          full.catalog_url,
          `https://other.example.org/b/my-bucket/packages/team/data/tree/${HASH}`,
        );
      });

      await t.step(`${name}: catalog_uri refuses bad input`, async () => {
        assertMatch(
          await callError(client, "catalog_uri", { uri: "https://my-bucket/x" }),
          /quilt\+s3/,
        );
        assertMatch(
          await callError(client, "catalog_uri", { uri: "quilt+s3://my-bucket#path=x" }),
          /package/,
        );
        assertMatch(
          await callError(client, "catalog_uri", {
            uri: "quilt+s3://my-bucket#package=team/data@abc&extra=1",
          }),
          /unknown parameter|hex/,
        );
        await callError(client, "catalog_uri", { uri: "quilt+s3://my-bucket/sub#package=a/b" });
        await callError(client, "catalog_uri", {
          uri: "quilt+s3://my-bucket#package=a/b",
          bucket: "my-bucket",
        });
        await callError(client, "catalog_uri", {
          bucket: "my-bucket",
          package: "team/data",
          top_hash: HASH,
          tag: "latest",
        });
        await callError(client, "catalog_uri", {
          bucket: "my-bucket",
          package: "team/data",
          tag: "newest",
        });
        await callError(client, "catalog_uri", { bucket: "my-bucket" });
        assertMatch(
          await callError(client, "catalog_uri", {
            bucket: "my-bucket",
            package: "team/data",
            path: "/abs",
          }),
          /relative/,
        );
      });
    }
    await t.step("no AWS request was made by the catalog tools", async () => {
      assert(stack.proxy);
      assertEquals(stack.proxy.requests.map((r) => `${r.method} ${r.path}`), []);
      // The proxy does see this server's AWS calls.
      await callOk(transports[0].client, "auth_status", {});
      assert(stack.proxy.requests.length > 0, "the proxy recorded nothing");
    });
  } finally {
    await closeAll(transports);
  }
});

Deno.test("catalog tools without a configured catalog ask for one", async () => {
  await using stack = await startStack({ categories: ["catalog"] });
  await using client = await stack.http("nocatalog");
  assertMatch(
    await callError(client, "catalog_url", { bucket: "my-bucket", package: "team/data" }),
    /QUILT_MCP_CATALOG_URL/,
  );
  const uri = await callOk<UriOut>(client, "catalog_uri", { bucket: "my-bucket", package: "a/b" });
  assertEquals([uri.uri, uri.catalog, uri.catalog_url], [
    "quilt+s3://my-bucket#package=a/b",
    null,
    null,
  ]);
});
