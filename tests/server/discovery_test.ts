/**
 * The public URL the server advertises is one a client can follow (the demo's configuration,
 * `advertiseListenAddress`): the 401 challenge names a resource_metadata URL that answers, its
 * `resource` is the address the server really listens on, and a token minted for that resource
 * opens a working MCP session there — in both protocol eras.
 */
import {
  assert,
  assertEquals,
  connectHttp,
  ERAS,
  followResourceMetadata,
  startStack,
} from "../harness/mod.ts";

Deno.test("a client that follows resource_metadata reaches the server it names", async (t) => {
  await using stack = await startStack({ advertiseListenAddress: true, categories: ["catalog"] });
  assertEquals(stack.publicUrl, `${stack.server.origin}/mcp`);

  const discovery = await followResourceMetadata(stack.publicUrl);
  assertEquals(discovery.status, 401);
  assertEquals(
    discovery.metadataUrl,
    `${stack.server.origin}/.well-known/oauth-protected-resource/mcp`,
  );
  assertEquals(discovery.metadata.resource, stack.publicUrl);
  assertEquals(discovery.metadata.authorization_servers, [stack.issuer.issuer]);

  for (const era of ERAS) {
    await t.step(`${era}: a token for the advertised resource works at that resource`, async () => {
      const resource = new URL(discovery.metadata.resource);
      assertEquals(resource.pathname, "/mcp");
      await using client = await connectHttp(resource.origin, {
        token: await stack.token("follower", {}, { audience: discovery.metadata.resource }),
        era,
      });
      const { tools } = await client.listTools();
      assert(tools.some((tool) => tool.name === "catalog_url"));
    });
  }
});
