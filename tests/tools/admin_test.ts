/**
 * Catalog administration (admin category) end to end over HTTP (both eras) and stdio against a
 * fake catalog that answers the GraphQL operations the tools send: every request's exact document
 * and variables are asserted, changes are visible to the next read, a non-administrator is refused
 * by the catalog with a clear error, a caller without a catalog credential never reaches it (AWS
 * credentials alone give nothing), Tabulator table configurations are validated before anything
 * is sent, and the category is off by default.
 */
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import {
  assert,
  assertEquals,
  assertMatch,
  connectHttp,
  STACK_PUBLIC_URL,
  startFakeCatalog,
  startStack,
} from "../harness/mod.ts";
import { ADMIN_QUERIES } from "../../server/tools/admin/admin_graphql.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import { callError, callOk, listedTools } from "./helpers_transports.ts";

const AUDIENCE = "https://registry.example.test/quilt";
const BUCKET = "adm-data";
const DESKTOP_TOKEN = "desktop-admin-token";

async function quiltHome(registryUrl: string, token: string): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "admin-home-" });
  const dir = join(home, ".local", "share", "Quilt");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "config.yml"),
    `navigator_url: https://c.example\nregistryUrl: ${registryUrl}\n`,
  );
  await Deno.writeTextFile(
    join(dir, "auth.json"),
    JSON.stringify({
      [registryUrl]: {
        access_token: token,
        refresh_token: "r",
        expires_at: Date.now() / 1000 + 3600,
      },
    }),
  );
  return home;
}

Deno.test("admin tools against a fake catalog over HTTP (both eras) and stdio", async (t) => {
  await using catalog = startFakeCatalog({
    callers: ["root-legacy", "root-modern", DESKTOP_TOKEN, "mallory"],
    admins: ["root-legacy", "root-modern", DESKTOP_TOKEN],
    buckets: [BUCKET],
  });
  const env = {
    QUILT_MCP_BUCKETS: BUCKET,
    QUILT_MCP_REGISTRY_URL: catalog.url,
    QUILT_MCP_REGISTRY_AUDIENCE: AUDIENCE,
    QUILT_MCP_RATE_LIMIT_BURST: "1000",
  };
  await using stack = await startStack({ categories: ["admin"], env });
  const both = { audience: [STACK_PUBLIC_URL, AUDIENCE] };
  const home = await quiltHome(catalog.url, DESKTOP_TOKEN);
  const clients: { name: string; client: Client & AsyncDisposable; caller: string }[] = [
    {
      name: "http-legacy",
      client: await connectHttp(stack.server.origin, {
        token: await stack.token("root-legacy", {}, both),
        era: "legacy",
      }),
      caller: "root-legacy",
    },
    {
      name: "http-modern",
      client: await connectHttp(stack.server.origin, {
        token: await stack.token("root-modern", {}, both),
        era: "modern",
      }),
      caller: "root-modern",
    },
    { name: "stdio", client: await stack.stdio({ env: { HOME: home } }), caller: DESKTOP_TOKEN },
  ];
  /** The last request of an operation: from this caller, with exactly this document and these variables. */
  const sent = (
    operation: keyof typeof ADMIN_QUERIES,
    caller: string,
    variables: Record<string, unknown>,
  ) => {
    const r = catalog.requests.filter((x) => x.path === "POST /graphql").at(-1)!;
    assertEquals(r.caller, caller);
    assertEquals(r.query, ADMIN_QUERIES[operation]);
    assertEquals(r.variables, variables);
  };
  try {
    for (const { name, client, caller } of clients) {
      const user = `bob-${name}`;
      await t.step(`${name}: tools listed with annotations`, async () => {
        const tools = await listedTools(client);
        assertEquals([...tools.keys()].sort(), [...CATEGORIES.admin.tools].sort());
        const del = tools.get("admin_user_delete")!.annotations as Record<string, boolean>;
        assertEquals([del.readOnlyHint, del.destructiveHint], [false, true]);
        assertEquals(
          (tools.get("admin_users_list")!.annotations as Record<string, boolean>).readOnlyHint,
          true,
        );
      });

      await t.step(`${name}: users — create, read, change, delete`, async () => {
        const created = await callOk<
          { user: { name: string; role: { name: string }; extra_roles: unknown[] } }
        >(
          client,
          "admin_user_create",
          { name: user, email: `${user}@example.com`, role: "ReadQuiltBucket" },
        );
        sent("usersCreate", caller, {
          input: {
            name: user,
            email: `${user}@example.com`,
            role: "ReadQuiltBucket",
            extraRoles: null,
          },
        });
        assertEquals([created.user.name, created.user.role.name, created.user.extra_roles], [
          user,
          "ReadQuiltBucket",
          [],
        ]);
        assertMatch(
          await callError(client, "admin_user_create", {
            name: user,
            email: "x@example.com",
            role: "ReadQuiltBucket",
          }),
          /The catalog refused creating .*: input\.name: Username already taken/,
        );
        const listed = await callOk<{ users: { name: string }[] }>(client, "admin_users_list", {});
        sent("usersList", caller, {});
        assert(
          listed.users.some((u) => u.name === user) && listed.users.some((u) => u.name === "alice"),
        );
        await callOk(client, "admin_user_set_role", {
          name: user,
          role: "ReadWriteQuiltBucket",
          extra_roles: ["ReadQuiltBucket"],
        });
        sent("usersSetRole", caller, {
          name: user,
          role: "ReadWriteQuiltBucket",
          extraRoles: ["ReadQuiltBucket"],
          append: false,
        });
        await callOk(client, "admin_user_remove_roles", { name: user, roles: ["ReadQuiltBucket"] });
        sent("usersRemoveRoles", caller, {
          name: user,
          roles: ["ReadQuiltBucket"],
          fallback: null,
        });
        await callOk(client, "admin_user_add_roles", { name: user, roles: ["ReadQuiltBucket"] });
        sent("usersAddRoles", caller, { name: user, roles: ["ReadQuiltBucket"] });
        await callOk(client, "admin_user_set_admin", { name: user, admin: true });
        sent("usersSetAdmin", caller, { name: user, admin: true });
        await callOk(client, "admin_user_set_active", { name: user, active: false });
        sent("usersSetActive", caller, { name: user, active: false });
        await callOk(client, "admin_user_set_email", { name: user, email: "new@example.com" });
        sent("usersSetEmail", caller, { name: user, email: "new@example.com" });
        await callOk(client, "admin_user_reset_password", { name: user });
        sent("usersResetPassword", caller, { name: user });
        const got = await callOk<{ user: Record<string, unknown> }>(client, "admin_user_get", {
          name: user,
        });
        sent("usersGet", caller, { name: user });
        assertEquals(
          [
            got.user.email,
            got.user.is_admin,
            got.user.is_active,
            (got.user.role as { name: string }).name,
          ],
          ["new@example.com", true, false, "ReadWriteQuiltBucket"],
        );
        assertEquals(
          (got.user.extra_roles as { name: string; managed: boolean }[]).map((
            r,
          ) => [r.name, r.managed]),
          [
            ["ReadQuiltBucket", false],
          ],
        );
        await callOk(client, "admin_user_delete", { name: user });
        sent("usersDelete", caller, { name: user });
        assertMatch(
          await callError(client, "admin_user_get", { name: user }),
          /Not found: catalog user/,
        );
        assertMatch(
          await callError(client, "admin_user_set_admin", { name: user, admin: false }),
          /Not found/,
        );
        const roles = await callOk<{ roles: { name: string }[] }>(client, "admin_roles_list", {});
        sent("rolesList", caller, {});
        assertEquals(roles.roles.map((r) => r.name), ["ReadQuiltBucket", "ReadWriteQuiltBucket"]);
      });

      await t.step(`${name}: SSO configuration get / set / remove`, async () => {
        const text = `version: "1.0"\nmappings:\n  - to: ReadQuiltBucket\n`;
        const set = await callOk<{ configured: boolean; text: string }>(
          client,
          "admin_sso_config_set",
          { config: text },
        );
        sent("ssoConfigSet", caller, { config: text });
        assertEquals([set.configured, set.text], [true, text]);
        assertEquals(
          (await callOk<{ text: string }>(client, "admin_sso_config_get", {})).text,
          text,
        );
        sent("ssoConfigGet", caller, {});
        assertMatch(
          await callError(client, "admin_sso_config_set", { config: "nothing useful" }),
          /refused setting the SSO configuration: config: SSO config has no mappings/,
        );
        assertEquals(
          (await callOk<{ configured: boolean }>(client, "admin_sso_config_remove", {})).configured,
          false,
        );
        sent("ssoConfigSet", caller, { config: null });
        assertEquals(catalog.state.sso, null);
      });

      await t.step(
        `${name}: Tabulator tables — validated, created, renamed, deleted; open query`,
        async () => {
          const config = {
            schema: [{ name: "sample", type: "STRING" }, { name: "reads", type: "BIGINT" }],
            package_name: "^lab/(?<run>[^/]+)$",
            logical_key: "counts/.*\\.csv$",
            parser: { format: "csv", delimiter: ",", header: true },
          };
          const before = catalog.requests.length;
          for (
            const [bad, pattern] of [
              [
                { ...config, schema: [{ name: "Bad-Name", type: "STRING" }] },
                /column name matches/,
              ],
              [{ ...config, schema: [{ name: "a", type: "TEXT" }] }, /type/],
              [
                { ...config, package_name: "(unclosed" },
                /package_name is not a valid regular expression/,
              ],
              [{ ...config, parser: { format: "parquet", header: true } }, /apply to csv only/],
            ] as const
          ) {
            assertMatch(
              await callError(client, "tabulator_table_create", {
                bucket: BUCKET,
                table: "t",
                config: bad,
              }),
              pattern,
            );
          }
          const dry = await callOk<{ config_yaml: string; applied: boolean }>(
            client,
            "tabulator_table_create",
            {
              bucket: BUCKET,
              table: "counts",
              config,
              dry_run: true,
            },
          );
          assertEquals(
            catalog.requests.length,
            before,
            "nothing is sent for invalid input or a dry run",
          );
          assertEquals(dry.applied, false);
          await callOk(client, "tabulator_table_create", {
            bucket: BUCKET,
            table: "counts",
            config,
          });
          sent("tabulatorTableSet", caller, {
            bucketName: BUCKET,
            tableName: "counts",
            config: dry.config_yaml,
          });
          await callOk(client, "tabulator_table_rename", {
            bucket: BUCKET,
            table: "counts",
            new_name: "read_counts",
          });
          sent("tabulatorTableRename", caller, {
            bucketName: BUCKET,
            tableName: "counts",
            newTableName: "read_counts",
          });
          assertEquals([...catalog.state.tables.get(BUCKET)!.keys()], ["read_counts"]);
          await callOk(client, "tabulator_table_delete", { bucket: BUCKET, table: "read_counts" });
          sent("tabulatorTableSet", caller, {
            bucketName: BUCKET,
            tableName: "read_counts",
            config: null,
          });
          assertEquals(catalog.state.tables.get(BUCKET)!.size, 0);
          assertEquals(
            (await callOk<{ open_query: boolean }>(client, "admin_tabulator_open_query_set", {
              enabled: true,
            })).open_query,
            true,
          );
          sent("tabulatorOpenQuerySet", caller, { enabled: true });
          assertEquals(
            (await callOk<{ open_query: boolean }>(client, "admin_tabulator_open_query_get", {}))
              .open_query,
            true,
          );
          sent("tabulatorOpenQueryGet", caller, {});
          await callOk(client, "admin_tabulator_open_query_set", { enabled: false });
          assertMatch(
            await callError(client, "tabulator_table_create", {
              bucket: "adm-other",
              table: "t",
              config,
            }),
            /not among the buckets/,
          );
        },
      );
    }

    await t.step("a non-administrator is refused by the catalog, with a clear error", async () => {
      await using mallory = await connectHttp(stack.server.origin, {
        token: await stack.token("mallory", {}, both),
      });
      for (
        const [tool, args] of [["admin_users_list", {}], ["admin_user_delete", {
          name: "alice",
        }]] as const
      ) {
        assertMatch(
          await callError(mallory, tool, args),
          /refused this for your catalog account \(Forbidden\)\. Administration needs a catalog administrator's sign-in/,
        );
        assertEquals(catalog.requests.at(-1)!.caller, "mallory");
      }
      assert(catalog.state.users.has("alice"), "nothing changed");
    });

    await t.step(
      "AWS credentials alone give nothing: no catalog credential, no request",
      async () => {
        await using plain = await stack.http("carol"); // token for this server only
        const before = catalog.requests.length;
        assertMatch(await callError(plain, "admin_users_list", {}), /catalog/i);
        await using desktop = await stack.stdio({ env: { HOME: await Deno.makeTempDir() } });
        assertMatch(await callError(desktop, "admin_users_list", {}), /catalog|quilt3/i);
        assertEquals(catalog.requests.length, before);
      },
    );

    await t.step("every admin call is audited", () => {
      const audited = stack.server.logs().filter((r) =>
        r.msg === "tool_call" && String(r.tool).startsWith("admin_")
      );
      assert(
        audited.some((r) =>
          r.tool === "admin_user_delete" && r.outcome === "ok" && r.principal === "root-legacy"
        ),
      );
      assert(
        audited.some((r) =>
          r.principal === "mallory" && r.outcome === "error" && r.reason === "catalog_forbidden"
        ),
      );
    });
  } finally {
    for (const { client } of clients) await client.close();
  }
});

Deno.test("admin is off by default: no admin tool is listed", async () => {
  await using stack = await startStack({});
  await using client = await stack.http("dave");
  const tools = await listedTools(client);
  assertEquals([...tools.keys()].filter((n) => CATEGORIES.admin.tools.includes(n)), []);
  assertEquals(CATEGORIES.admin.default, false);
});
