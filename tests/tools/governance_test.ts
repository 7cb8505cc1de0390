/**
 * governance tools: the pure permission logic (simulation ARN, decisions, cache) and
 * auth_status / permissions_discover / bucket_access_check end to end over HTTP (both eras) and
 * stdio against moto, with the HTTP server's AWS traffic recorded by a proxy to prove that
 * discovery never writes and that an expected denial does not evict the user's credentials.
 */
import { assert, assertEquals, assertMatch, seedBucket, startStack } from "../harness/mod.ts";
import {
  cacheKey,
  combine,
  fromIamDecision,
  PermissionsCache,
  simulatedDecision,
  simulationArn,
  type SimulationResult,
} from "../../server/tools/governance/permissions.ts";
import { callError, callOk, closeAll, openTransports } from "./helpers_transports.ts";

Deno.test("simulationArn turns the caller into a principal IAM can simulate", () => {
  assertEquals(
    simulationArn("arn:aws:sts::123456789012:assumed-role/data-reader/mcp-alice"),
    "arn:aws:iam::123456789012:role/data-reader",
  );
  assertEquals(
    simulationArn("arn:aws-cn:sts::123456789012:assumed-role/r/s"),
    "arn:aws-cn:iam::123456789012:role/r",
  );
  // The session ARN drops the role path; the context's role ARN restores it when it is the same role.
  assertEquals(
    simulationArn(
      "arn:aws:sts::123456789012:assumed-role/data-reader/mcp-alice",
      "arn:aws:iam::123456789012:role/teams/genomics/data-reader",
    ),
    "arn:aws:iam::123456789012:role/teams/genomics/data-reader",
  );
  // …but never a different role or account from the context.
  assertEquals(
    simulationArn(
      "arn:aws:sts::123456789012:assumed-role/data-reader/s",
      "arn:aws:iam::123456789012:role/other",
    ),
    "arn:aws:iam::123456789012:role/data-reader",
  );
  assertEquals(
    simulationArn(
      "arn:aws:sts::123456789012:assumed-role/data-reader/s",
      "arn:aws:iam::999999999999:role/data-reader",
    ),
    "arn:aws:iam::123456789012:role/data-reader",
  );
  assertEquals(
    simulationArn("arn:aws:iam::123456789012:user/dev/alice"),
    "arn:aws:iam::123456789012:user/dev/alice",
  );
  assertEquals(simulationArn("arn:aws:iam::123456789012:root"), undefined);
  assertEquals(simulationArn("arn:aws:sts::123456789012:federated-user/bob"), undefined);
  assertEquals(simulationArn("not an arn"), undefined);
});

Deno.test("simulated decisions are read per action and resource", () => {
  const results: SimulationResult[] = [
    {
      EvalActionName: "s3:ListBucket",
      EvalResourceName: "arn:aws:s3:::a",
      EvalDecision: "allowed",
    },
    {
      EvalActionName: "s3:ListBucket",
      EvalResourceName: "arn:aws:s3:::b",
      EvalDecision: "implicitDeny",
    },
    {
      EvalActionName: "s3:GetObject",
      EvalResourceName: "*",
      EvalDecision: "allowed",
      ResourceSpecificResults: [
        { EvalResourceName: "arn:aws:s3:::a/*", EvalResourceDecision: "allowed" },
        { EvalResourceName: "arn:aws:s3:::b/*", EvalResourceDecision: "explicitDeny" },
      ],
    },
  ];
  assertEquals(simulatedDecision(results, "s3:ListBucket", "arn:aws:s3:::a"), "allowed");
  assertEquals(simulatedDecision(results, "s3:ListBucket", "arn:aws:s3:::b"), "denied");
  assertEquals(simulatedDecision(results, "s3:GetObject", "arn:aws:s3:::a/*"), "allowed");
  assertEquals(simulatedDecision(results, "s3:GetObject", "arn:aws:s3:::b/*"), "denied");
  assertEquals(simulatedDecision(results, "s3:PutObject", "arn:aws:s3:::a/*"), "unknown");
  assertEquals(simulatedDecision(results, "s3:ListBucket", "arn:aws:s3:::c"), "unknown");
  assertEquals(
    [fromIamDecision("allowed"), fromIamDecision("explicitDeny"), fromIamDecision(undefined)],
    ["allowed", "denied", "unknown"],
  );
});

Deno.test("a live probe outranks the simulation; neither gives unknown", () => {
  assertEquals(combine("denied", "allowed"), { decision: "denied", source: "probe" });
  assertEquals(combine("allowed", "denied"), { decision: "allowed", source: "probe" });
  assertEquals(combine("unknown", "denied"), { decision: "denied", source: "simulation" });
  assertEquals(combine(undefined, "allowed"), { decision: "allowed", source: "simulation" });
  assertEquals(combine(undefined, undefined), { decision: "unknown", source: "none" });
  assertEquals(combine(undefined, "unknown"), { decision: "unknown", source: "none" });
});

Deno.test("the permissions cache expires, is bounded, and separates owners", () => {
  let now = 1_000_000;
  const cache = new PermissionsCache<string>({ ttlSeconds: 60, maxEntries: 3, now: () => now });
  const alice = { clientType: "web-jwt", principal: "alice", roleArn: "arn:aws:iam::1:role/r" };
  const aliceOther = { ...alice, roleArn: "arn:aws:iam::1:role/other" };
  const bob = { ...alice, principal: "bob" };
  const desktopAlice = { clientType: "desktop-stdio", principal: "alice" };
  const keys = [alice, aliceOther, bob, desktopAlice].map((o) => cacheKey(o, "bucket", "b"));
  assertEquals(new Set(keys).size, 4, "principal, role and client type all separate entries");
  // A crafted principal cannot collide with another owner's key.
  assert(
    cacheKey({ clientType: "web-jwt", principal: "a\u0000b" }, "x") !==
      cacheKey({ clientType: "web-jwt", principal: "a", roleArn: "b" }, "x"),
  );
  cache.set(keys[0], "alice");
  assertEquals(cache.get(keys[0]), "alice");
  assertEquals(cache.get(keys[2]), undefined);
  now += 59_999;
  assertEquals(cache.get(keys[0]), "alice");
  now += 1;
  assertEquals(cache.get(keys[0]), undefined, "expired at the TTL");
  for (const [i, k] of keys.entries()) cache.set(k, `v${i}`);
  assertEquals(cache.size, 3, "bounded");
  assertEquals(cache.get(keys[0]), undefined, "the oldest entry was evicted");
  assertEquals(cache.get(keys[3]), "v3");
  const off = new PermissionsCache<string>({ ttlSeconds: 0, maxEntries: 3 });
  off.set("k", "v");
  assertEquals(off.get("k"), undefined, "a TTL of 0 disables caching");
});

const DATA = "gv-data";
const EMPTY = "gv-empty";
const MISSING = "gv-missing"; // configured, never created
const OTHER = "gv-other"; // exists, not configured

interface BucketAnswer {
  bucket: string;
  server_allows: boolean;
  exists: boolean | null;
  region: string | null;
  list: string;
  read: string;
  write: string;
  sources: Record<string, string>;
  notes: string[];
  evaluated_at: string | null;
  from_cache: boolean;
}
interface Discovery {
  principal: string;
  caller_arn: string | null;
  simulation: { status: string; source_arn: string | null; detail: string | null };
  buckets: BucketAnswer[];
  cache_ttl_seconds: number;
}

Deno.test("governance tools over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${DATA},${EMPTY},${MISSING}`,
    QUILT_MCP_PERMISSIONS_CACHE_SECONDS: "600",
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({
    categories: ["s3-read", "governance"],
    env,
    viaProxy: true,
  });
  await seedBucket(stack.moto, DATA, { "docs/readme.md": "hello" });
  await seedBucket(stack.moto, EMPTY, {});
  await seedBucket(stack.moto, OTHER, { "x.txt": "x" });
  const proxy = stack.proxy!;
  const transports = await openTransports(stack, "alice", env);
  try {
    for (const { name, client, kind } of transports) {
      await t.step(`${name}: auth_status names the caller and the categories`, async () => {
        const s = await callOk(client, "auth_status", {});
        assertEquals(s.enabled_categories, ["governance", "s3-read"]);
        if (kind === "http") {
          assertEquals([s.principal, s.client_type], ["alice", "web-jwt"]);
          assertEquals(s.role_arn, stack.roleArn("quilt-mcp-user"));
          assertMatch(String(s.aws_arn), /:assumed-role\/quilt-mcp-user\//);
        } else {
          assertEquals([s.client_type, s.role_arn], ["desktop-stdio", null]);
        }
      });

      await t.step(`${name}: permissions_discover answers per configured bucket`, async () => {
        const d = await callOk<Discovery>(client, "permissions_discover", { refresh: true });
        assertEquals(d.buckets.map((b) => b.bucket), [DATA, EMPTY, MISSING]);
        const [data, empty, missing] = d.buckets;
        assertEquals(
          [data.exists, data.region, data.list, data.read, data.write],
          [true, "us-east-1", "allowed", "allowed", "unknown"],
        );
        assertEquals(data.sources, { list: "probe", read: "probe", write: "none" });
        assert(data.notes.some((n) => /never probed/.test(n)), "says why write is unknown");
        assertEquals([empty.list, empty.read, empty.write], ["allowed", "unknown", "unknown"]);
        assert(empty.notes.some((n) => /empty/.test(n)));
        assertEquals([missing.exists, missing.list, missing.read], [false, "unknown", "unknown"]);
        assert(missing.notes.some((n) => /does not exist/.test(n)));
        assert(d.buckets.every((b) => b.server_allows && !b.from_cache));
        assertEquals(d.cache_ttl_seconds, 600);
        if (kind === "http") {
          // moto does not implement SimulatePrincipalPolicy: discovery falls back to probes.
          assertEquals(d.simulation.status, "unavailable");
          assertEquals(d.simulation.source_arn, stack.roleArn("quilt-mcp-user"));
        } else {
          assert(["unavailable", "not_applicable"].includes(d.simulation.status));
        }
      });

      await t.step(`${name}: answers are cached per principal until refresh`, async () => {
        const first = await callOk<Discovery>(client, "permissions_discover", { refresh: true });
        const again = await callOk<Discovery>(client, "permissions_discover", {});
        assert(again.buckets.every((b) => b.from_cache));
        assertEquals(
          again.buckets.map((b) => b.evaluated_at),
          first.buckets.map((b) => b.evaluated_at),
        );
        const fresh = await callOk<Discovery>(client, "permissions_discover", {
          buckets: [DATA],
          refresh: true,
        });
        assertEquals(fresh.buckets[0].from_cache, false);
        if (kind === "http") {
          // Another principal never sees alice's answers.
          const other = `bob-${name}`;
          await using bob = await stack.http(other);
          const theirs = await callOk<Discovery>(bob, "permissions_discover", { buckets: [DATA] });
          assertEquals([theirs.principal, theirs.buckets[0].from_cache], [other, false]);
          const twice = await callOk<Discovery>(bob, "permissions_discover", { buckets: [DATA] });
          assertEquals(twice.buckets[0].from_cache, true);
        }
      });

      await t.step(`${name}: a bucket outside the configuration is not checked`, async () => {
        const d = await callOk<Discovery>(client, "permissions_discover", {
          buckets: [OTHER, DATA],
          refresh: true,
        });
        assertEquals(d.buckets.map((b) => [b.bucket, b.server_allows]), [[OTHER, false], [
          DATA,
          true,
        ]]);
        assertEquals([d.buckets[0].list, d.buckets[0].evaluated_at], ["unknown", null]);
        assertMatch(d.buckets[0].notes[0], /not configured for this bucket/);
        const c = await callOk(client, "bucket_access_check", { bucket: OTHER });
        assertEquals([c.server_allows, c.checks], [false, []]);
      });

      await t.step(`${name}: bucket_access_check details every check`, async () => {
        const c = await callOk(client, "bucket_access_check", {
          bucket: DATA,
          key: "docs/readme.md",
          refresh: true,
        });
        assertEquals([c.exists, c.list, c.read, c.write], [true, "allowed", "allowed", "unknown"]);
        const checks = c.checks as Array<Record<string, unknown>>;
        assertEquals(
          checks.filter((x) => x.source === "probe").map((x) => [x.action, x.resource, x.result]),
          [
            ["s3:GetBucketLocation", `arn:aws:s3:::${DATA}`, "allowed"],
            ["s3:ListBucket", `arn:aws:s3:::${DATA}`, "allowed"],
            ["s3:GetObject", `arn:aws:s3:::${DATA}/docs/readme.md`, "allowed"],
          ],
        );
        const gone = await callOk(client, "bucket_access_check", {
          bucket: DATA,
          key: "docs/nothing.md",
        });
        assertEquals(gone.read, "unknown");
        assert((gone.notes as string[]).some((n) => /'docs\/nothing\.md' does not exist/.test(n)));
        const missing = await callOk(client, "bucket_access_check", { bucket: MISSING });
        assertEquals([missing.exists, missing.list], [false, "unknown"]);
      });

      await t.step(`${name}: bad input is a clear tool error`, async () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
          ["permissions_discover", { buckets: ["Not_A_Bucket"] }, /not a valid S3 bucket name/],
          ["permissions_discover", { buckets: [] }, /buckets/],
          [
            "permissions_discover",
            { buckets: Array.from({ length: 51 }, (_, i) => `bucket-${i}`) },
            /buckets/,
          ],
          ["permissions_discover", { refresh: "yes" }, /refresh/],
          ["bucket_access_check", { bucket: "x" }, /bucket/],
          ["bucket_access_check", { bucket: DATA, key: "a/../b" }, /'\.' or '\.\.' segments/],
          ["bucket_access_check", {}, /bucket/],
        ];
        for (const [tool, args, expected] of cases) {
          assertMatch(
            await callError(client, tool, args),
            expected,
            `${tool} ${JSON.stringify(args)}`,
          );
        }
      });

      if (kind === "http") {
        await t.step(`${name}: a denied simulation is reported and keeps the session`, async () => {
          const assumed = proxy.of("AssumeRole").length;
          proxy.setFaults([{
            action: "SimulatePrincipalPolicy",
            error: { status: 403, code: "AccessDenied" },
          }]);
          try {
            const d = await callOk<Discovery>(client, "permissions_discover", {
              buckets: [DATA],
              refresh: true,
            });
            assertEquals(d.simulation.status, "denied");
            assertMatch(
              String(d.simulation.detail),
              /Access denied: iam:SimulatePrincipalPolicy .*'governance' tool category/,
            );
            assertEquals(d.buckets[0].list, "allowed");
          } finally {
            proxy.setFaults([]);
          }
          await callOk(client, "auth_status", {});
          // The expected denial did not evict alice's cached credentials: no new AssumeRole.
          assertEquals(proxy.of("AssumeRole").length, assumed);
        });

        await t.step(`${name}: discovery never writes`, async () => {
          const from = proxy.requests.length;
          await callOk(client, "permissions_discover", { refresh: true });
          await callOk(client, "bucket_access_check", { bucket: DATA, refresh: true });
          const s3 = proxy.requests.slice(from).filter((r) => r.action === undefined);
          assert(s3.length >= 6, `expected S3 probes, saw ${s3.length}`);
          assertEquals(
            s3.filter((r) => r.method !== "GET" && r.method !== "HEAD").map((r) =>
              `${r.method} ${r.path}`
            ),
            [],
          );
        });
      }
    }

    await t.step("stdio without s3-read or configured buckets", async () => {
      await using bare = await stack.stdio({
        env: { QUILT_MCP_BUCKETS: "", QUILT_MCP_TOOL_CATEGORIES: "governance" },
      });
      assertMatch(
        await callError(bare, "permissions_discover", {}),
        /No buckets are configured .*pass the buckets/,
      );
      const d = await callOk<Discovery>(bare, "permissions_discover", { buckets: [DATA] });
      // Reading is probed only with the s3-read category's s3:GetObject.
      assertEquals([d.buckets[0].list, d.buckets[0].read], ["allowed", "unknown"]);
      assert(d.buckets[0].notes.some((n) => /s3-read tool category .* not enabled/.test(n)));
    });
  } finally {
    await closeAll(transports);
  }
});
