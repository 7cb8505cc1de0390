/**
 * Long tool calls report progress when the client asks for it (a progress token), and a client
 * cancel reaches the tool as an aborted signal: exercised with package_create hashing a folder.
 */
import { assert, seedBucket, startStack, toolJson } from "../harness/mod.ts";

Deno.test("progress: package_create reports hashing progress to a client that asked for it", async () => {
  await using stack = await startStack({ categories: ["packages-read", "packages-write"] });
  const objects: Record<string, string> = {};
  for (let i = 0; i < 12; i++) objects[`run/file-${i}.txt`] = `content ${i}\n`.repeat(100);
  await seedBucket(stack.moto, "progress-bucket", objects);
  await using client = await stack.http("progress@example.com");
  const seen: Array<{ progress: number; total?: number }> = [];
  const result = await client.callTool(
    {
      name: "package_create",
      arguments: {
        bucket: "progress-bucket",
        package: "demo/progress",
        source: { prefix: "run/" },
        message: "p",
      },
    },
    {
      onprogress: (p: { progress: number; total?: number }) =>
        seen.push({ progress: p.progress, total: p.total }),
    },
  );
  assert(!result.isError, JSON.stringify(result).slice(0, 400));
  assert(toolJson(result).top_hash, "created");
  assert(seen.length > 0, "at least one progress notification arrived");
  assert(
    seen.every((p, i) => i === 0 || p.progress >= seen[i - 1].progress),
    "progress never goes backwards",
  );
});
