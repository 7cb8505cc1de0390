/**
 * quilt3 8.0.0 as the oracle of the package tools, on one S3 registry (moto), with seeded cases:
 * - objects of random sizes uploaded every way S3 allows (single PUT with and without a SHA-256
 *   or CRC32 checksum, multipart with SHA-256 in one part, 5 MiB or 8 MiB parts, multipart
 *   without checksums, a copy of a multipart object), around the 8 MiB chunk boundaries: the
 *   server's package and quilt3's package of the same objects have the same top hash, and quilt3
 *   fetches every file of the server's package and verifies its hash;
 * - package and entry metadata, given as JSON text and as a JSON object (over HTTP and stdio,
 *   with the number text a client sent): the server and quilt3 both accept with the same top
 *   hash, or both refuse;
 * - workflow configurations (with and without schemas) and pushes that pass or break them:
 *   both accept with the same top hash (so the same workflow record), or both refuse with the
 *   same quilt3 error class; updates are re-validated against the configuration of the moment;
 * - hand-made manifests of older writers: quilt3 and the server read them with the same top hash
 *   and build the same next revision from them, or both refuse.
 * One long-lived quilt3 process answers every request. QUILT_ORACLE_SCALE multiplies the counts.
 */
import { join } from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Client } from "@modelcontextprotocol/client";
import {
  adminS3,
  assert,
  assertEquals,
  REPO_ROOT,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { chunkedHashOfBytes, computeTopHash, parseManifest } from "../../server/quilt/mod.ts";
import { PeerSession, Rng } from "../quilt/helpers.ts";
import { oracleScale } from "../quilt/oracle_scale.ts";
import { randomConfig } from "../quilt/workflow_gen.ts";
import {
  ENTRIES_SCHEMAS,
  metaCases,
  METADATA_SCHEMAS,
  objectCases,
  objectForm,
  oldManifestCases,
  unsendable,
  uploadObject,
  WORKFLOW_ENTRY_METAS,
  WORKFLOW_METAS,
} from "./oracle_cases.ts";
import { seededBytes, sha256Hex } from "./peer/mod.ts";

const SCALE = oracleScale();
const COUNTS = {
  objects: 14 * SCALE,
  metadata: 40 * SCALE,
  configs: 12 * SCALE,
  attemptsPerConfig: 8,
};
const REG = "oracle-reg";
const DATA = "oracle-data";
const REGISTRY = `s3://${REG}`;

interface Outcome {
  readonly ok: boolean;
  readonly value?: Record<string, unknown>;
  readonly text: string;
}

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<Outcome> {
  const r = await client.callTool({ name, arguments: args }) as {
    isError?: boolean;
    content?: { type: string; text?: string }[];
    structuredContent?: Record<string, unknown>;
  };
  const text = r.content?.find((c) => c.type === "text")?.text ?? "";
  assert(!/unexpectedly/.test(text), `${name} crashed: ${text}`);
  return { ok: !r.isError, value: r.structuredContent, text };
}

interface Q3 {
  top_hash?: string;
  header?: string;
  error_class?: string[];
  error?: string;
  entries?: { lk: string; sha256: string }[];
}

/** The quilt3 error class a server refusal names ("... (quilt3 WorkflowValidationError; ..."). */
function classOf(text: string): string | undefined {
  return /\(quilt3 (\w+);/.exec(text)?.[1];
}

Deno.test("quilt3 as the oracle over S3: hashes, metadata, workflows, old manifests", async (t) => {
  const env = { QUILT_MCP_RATE_LIMIT_BURST: "100000", QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000" };
  await using stack = await startStack({ categories: ["packages-read", "packages-write"], env });
  await seedBucket(stack.moto, REG, {}, { versioned: true });
  await seedBucket(stack.moto, DATA, {}, { versioned: true });
  await using client = await stack.http("oracle-user", { era: "modern" });
  const stdio = await stack.stdio();
  const s3 = adminS3(stack.moto);
  const peer = await PeerSession.start("quilt3_oracle_peer.py", {
    dir: join(REPO_ROOT, "tests", "tools", "peer"),
    env: { ...stack.moto.env(), QUILT_DISABLE_CACHE: "true" },
  });
  const q3 = (req: Record<string, unknown>) =>
    peer.call<Q3>({ registry: REGISTRY, ...req }, 300_000);
  const tally: Record<string, number> = {};
  const count = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
  // A small object every metadata and workflow case packages (its S3 checksum gives the hash).
  await s3.send(
    new PutObjectCommand({
      Bucket: DATA,
      Key: "small/data.csv",
      Body: "a,b\n1,2\n",
      ChecksumAlgorithm: "SHA256",
    }),
  );
  const smallUrl = `s3://${DATA}/small/data.csv`;

  try {
    await t.step(`${COUNTS.objects} objects: sizes and upload methods around 8 MiB`, async () => {
      const cases = objectCases(new Rng(1805), COUNTS.objects);
      for (const c of cases) await uploadObject(s3, DATA, c);
      const entries = cases.map((c) => ({ logical_key: c.key, s3_uri: `s3://${DATA}/${c.key}` }));
      const made = await tool(client, "package_create", {
        bucket: REG,
        package: "oracle/objects",
        message: "objects",
        entries,
      });
      assert(made.ok, made.text);
      const top = made.value!.top_hash as string;
      const hashing = made.value!.hashing as { from_s3_checksum: number; streamed: number };
      // Whole-object checksums still save reading where S3 vouches for them.
      assert(hashing.from_s3_checksum > 0 && hashing.streamed > 0, JSON.stringify(hashing));
      // Every entry hash checked against the bytes by quilt3, and the top hash quilt3 computes
      // from the manifest: its own package of these objects could differ in nothing else.
      const verified = await q3({ op: "verify", name: "oracle/objects", top_hash: top });
      assertEquals(verified.error, undefined, "quilt3 verifies every file of the server's package");
      assertEquals(verified.top_hash, top);
      const sums = Object.fromEntries(verified.entries!.map((e) => [e.lk, e.sha256]));
      for (const c of cases) {
        assertEquals(sums[c.key], sha256Hex(seededBytes(c.size, c.seed)), `${c.key} bytes`);
      }
      tally["object cases (size × upload method), all verified by quilt3"] = cases.length;
    });

    await t.step(
      `${COUNTS.metadata} metadata cases × (JSON text, object over HTTP, object over stdio)`,
      async () => {
        const cases = metaCases(new Rng(1806), COUNTS.metadata);
        for (const [i, c] of cases.entries()) {
          const theirs = await q3({
            op: "push",
            name: `q3meta/c${i}`,
            message: "m",
            meta_text: c.packageMeta,
            files: [{ lk: "data.csv", url: smallUrl, meta_text: c.entryMeta }],
          });
          const forms: [string, Client, Record<string, unknown>][] = [
            ["json", client, {
              user_meta_json: c.packageMeta,
              entries: [{ logical_key: "data.csv", s3_uri: smallUrl, meta_json: c.entryMeta }],
            }],
          ];
          const pkgObj = objectForm(c.packageMeta), entryObj = objectForm(c.entryMeta);
          if (!unsendable(pkgObj) && !unsendable(entryObj)) {
            const args = {
              user_meta: pkgObj,
              entries: [{ logical_key: "data.csv", s3_uri: smallUrl, meta: entryObj }],
            };
            forms.push(["object/http", client, args]);
            if (i % 3 === 0) forms.push(["object/stdio", stdio, args]);
          }
          for (const [form, via, args] of forms) {
            const mine = await tool(via, "package_create", {
              bucket: REG,
              package: `srvmeta/c${i}-${form.replace("/", "-")}`,
              message: "m",
              ...args,
            });
            const what = `case ${i} (${form}): ${c.packageMeta} / ${c.entryMeta}`;
            if (theirs.error !== undefined) {
              assert(!mine.ok, `${what}: quilt3 refuses (${theirs.error}); the server accepts`);
              count(`metadata ${form}: both refuse`);
              continue;
            }
            assert(mine.ok, `${what}: quilt3 accepts; the server refuses: ${mine.text}`);
            assertEquals(mine.value!.top_hash, theirs.top_hash, what);
            count(`metadata ${form}: both accept, same top hash`);
          }
        }
      },
    );

    await t.step(
      `${COUNTS.configs} workflow configurations × ${COUNTS.attemptsPerConfig} pushes`,
      async () => {
        const rng = new Rng(1807);
        const attemptsDone = { accept: 0, refuse: 0 };
        for (let k = 0; k < COUNTS.configs; k++) {
          const names = ["pkg", "data", "p-1", "mypkg", "x_y", "pkg2", "abc", "d-e"];
          const bucket = `oracle-wf-${k}`;
          await seedBucket(stack.moto, bucket, {}, { versioned: true });
          // Schemas: some in the registry bucket, pinned or not; all named by URL.
          const ids = Object.keys(METADATA_SCHEMAS);
          // The first four schemas are usable; the others quilt3 refuses to load ($ref, invalid,
          // another draft, not JSON).
          const pickSchema = () =>
            rng.next() < 0.8 ? rng.pick(ids.slice(0, 4)) : rng.pick(ids.slice(4));
          const chosen = [pickSchema(), pickSchema(), rng.pick(Object.keys(ENTRIES_SCHEMAS))];
          const urls: Record<string, string> = {};
          for (const id of new Set(chosen)) {
            const text = METADATA_SCHEMAS[id] ?? ENTRIES_SCHEMAS[id];
            const put = await s3.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: `.quilt/schemas/${id}.json`,
                Body: text,
              }),
            );
            urls[id] = rng.next() < 0.3
              ? `s3://${bucket}/.quilt/schemas/${id}.json?versionId=${put.VersionId}`
              : `s3://${bucket}/.quilt/schemas/${id}.json`;
          }
          const config = randomConfig(rng, urls, { valid: rng.next() < 0.8 });
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: ".quilt/workflows/config.yml",
              Body: config.text,
            }),
          );
          for (let a = 0; a < COUNTS.attemptsPerConfig; a++) {
            const w = rng.next();
            const workflow = w < 0.3
              ? undefined
              : w < 0.42
              ? null
              : rng.next() < 0.9
              ? rng.pick(config.ids)
              : "nope";
            // Names unique in the bucket, spread over the handle patterns randomConfig writes.
            const name = `${rng.pick(["ns", "other", "NS"])}/${
              names.splice(rng.int(names.length), 1)[0]
            }`;
            const message = rng.pick([null, "", "a message"]);
            const meta = rng.pick(WORKFLOW_METAS);
            const entryMeta = rng.pick(WORKFLOW_ENTRY_METAS);
            const lk = rng.pick(["data.csv", "big/data.bin"]);
            // The server first; then quilt3 pushes the same revision under the same name (forced).
            const mine = await tool(client, "package_create", {
              bucket,
              package: name,
              ...(message === null ? {} : { message }),
              ...(workflow === undefined ? {} : { workflow }),
              user_meta_json: meta,
              entries: [{ logical_key: lk, s3_uri: smallUrl, meta_json: entryMeta }],
            });
            const theirs = await peer.call<Q3>({
              op: "push",
              registry: `s3://${bucket}`,
              name,
              message,
              meta_text: meta,
              ...(workflow === undefined ? {} : { workflow }),
              files: [{ lk, url: smallUrl, meta_text: entryMeta }],
            }, 300_000);
            const what = `config ${k} attempt ${a} ${
              JSON.stringify({ workflow, name, message, meta, entryMeta, lk })
            }\n${config.text}`;
            if (theirs.error !== undefined) {
              assert(!mine.ok, `${what}\nquilt3 refuses (${theirs.error}); the server accepts`);
              const cls = classOf(mine.text);
              assert(
                cls !== undefined && theirs.error_class!.includes(cls),
                `${what}\nquilt3: ${theirs.error_class} ${theirs.error}\nserver: ${mine.text}`,
              );
              // Refused before anything was written: the name has no revision at all.
              const listed = await s3.send(
                new ListObjectsV2Command({
                  Bucket: bucket,
                  Prefix: `.quilt/named_packages/${name}/`,
                }),
              );
              assertEquals(listed.KeyCount ?? 0, 0, `${what}\nrevision pointers were written`);
              attemptsDone.refuse++;
              count(`workflow pushes refused with ${cls}`);
              continue;
            }
            assert(mine.ok, `${what}\nquilt3 accepts; the server refuses: ${mine.text}`);
            assertEquals(mine.value!.top_hash, theirs.top_hash, what);
            attemptsDone.accept++;
          }
        }
        tally["workflow pushes: both accept, same top hash"] = attemptsDone.accept;
        tally["workflow pushes: both refuse, same quilt3 class"] = attemptsDone.refuse;
        assert(attemptsDone.accept > 0 && attemptsDone.refuse > 0, JSON.stringify(attemptsDone));
      },
    );

    await t.step("an update is re-validated against the configuration of the moment", async () => {
      const bucket = "oracle-wf-update";
      await seedBucket(stack.moto, bucket, {}, { versioned: true });
      const put = (body: string) =>
        s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: ".quilt/workflows/config.yml", Body: body }),
        );
      await put("version: '1'\nworkflows:\n  w:\n    name: W\n");
      const created = await tool(client, "package_create", {
        bucket,
        package: "ns/up",
        message: "first",
        workflow: "w",
        entries: [{ logical_key: "data.csv", s3_uri: smallUrl }],
      });
      assert(created.ok, created.text);
      let parent = created.value!.top_hash as string;
      const scenarios: { config?: string; args: Record<string, unknown>; label: string }[] = [
        {
          label: "config changed: stricter, message now required",
          config:
            "version: '1'\ndefault_workflow: w\nworkflows:\n  w:\n    name: W\n    is_message_required: true\n",
          args: {},
        },
        { label: "same, with a message", args: { message: "now with a message" } },
        { label: "config removed: the record goes", config: "", args: { message: "no rules" } },
        { label: "config removed, a workflow named", args: { message: "m", workflow: "w" } },
      ];
      for (const s of scenarios) {
        if (s.config === "") {
          await s3.send(
            new DeleteObjectCommand({ Bucket: bucket, Key: ".quilt/workflows/config.yml" }),
          );
        } else if (s.config !== undefined) await put(s.config);
        const theirs = await peer.call<Q3>({
          op: "push",
          registry: `s3://${bucket}`,
          name: "ns/up-q3",
          // quilt3 builds on the very revision the server builds on.
          parent,
          ...("message" in s.args ? { message: s.args.message } : {}),
          ...("workflow" in s.args ? { workflow: s.args.workflow } : {}),
        }, 300_000);
        const mine = await tool(client, "package_update", {
          bucket,
          package: "ns/up",
          parent_top_hash: parent,
          ...s.args,
        });
        if (theirs.error !== undefined) {
          assert(!mine.ok, `${s.label}: quilt3 refuses (${theirs.error}); the server accepts`);
          const cls = classOf(mine.text);
          assert(
            cls !== undefined && theirs.error_class!.includes(cls),
            `${s.label}: ${mine.text}`,
          );
          count("updates: both refuse, same quilt3 class");
          continue;
        }
        assert(mine.ok, `${s.label}: quilt3 accepts; the server refuses: ${mine.text}`);
        assertEquals(mine.value!.top_hash, theirs.top_hash, s.label);
        count("updates: both accept, same top hash");
        parent = mine.value!.top_hash as string;
      }
    });

    await t.step(
      "hand-made manifests of older writers: read and built on as quilt3 does",
      async () => {
        const data = seededBytes(4321, 77);
        const put = await s3.send(
          new PutObjectCommand({ Bucket: DATA, Key: "old/a.bin", Body: data }),
        );
        const facts = {
          url: `s3://${DATA}/old/a.bin?versionId=${put.VersionId}`,
          size: data.length,
          chunked: chunkedHashOfBytes(data).value,
          sha256: sha256Hex(data),
        };
        for (const c of oldManifestCases()) {
          const text = c.text(facts) + "\n";
          let top: string;
          try {
            top = computeTopHash(parseManifest(text));
          } catch {
            // No top hash exists (size missing: quilt3 cannot load it either): use a fixed name.
            top = "f".repeat(64);
          }
          await s3.send(
            new PutObjectCommand({ Bucket: REG, Key: `.quilt/packages/${top}`, Body: text }),
          );
          for (const name of [`old/${c.name}`, `old/${c.name}-q3`]) {
            await s3.send(
              new PutObjectCommand({
                Bucket: REG,
                Key: `.quilt/named_packages/${name}/1600000000`,
                Body: top,
              }),
            );
            await s3.send(
              new PutObjectCommand({
                Bucket: REG,
                Key: `.quilt/named_packages/${name}/latest`,
                Body: top,
              }),
            );
          }
          const browse = await tool(client, "package_browse", {
            bucket: REG,
            package: `old/${c.name}`,
          });
          const theirs = await q3({
            op: "push",
            name: `old/${c.name}-q3`,
            parent: top,
            message: "next",
            files: [{ lk: "new.csv", url: smallUrl }],
          });
          const mine = await tool(client, "package_update", {
            bucket: REG,
            package: `old/${c.name}`,
            parent_top_hash: top,
            message: "next",
            set: [{ logical_key: "new.csv", s3_uri: smallUrl }],
          });
          if (theirs.error !== undefined) {
            assert(
              !mine.ok,
              `${c.name}: quilt3 cannot push from it (${theirs.error}); the server does`,
            );
            count("old manifests: both refuse to build on it");
            continue;
          }
          assert(
            browse.ok,
            `${c.name}: quilt3 reads it; the server cannot browse it: ${browse.text}`,
          );
          assert(mine.ok, `${c.name}: quilt3 builds on it; the server refuses: ${mine.text}`);
          assertEquals(mine.value!.top_hash, theirs.top_hash, c.name);
          count("old manifests: both read and build on it, same top hash");
        }
      },
    );

    await t.step("package_diff shows values as the manifests write them", async () => {
      const base = { bucket: REG, entries: [{ logical_key: "data.csv", s3_uri: smallUrl }] };
      const a = await tool(client, "package_create", {
        ...base,
        package: "diff/a",
        user_meta_json: '{"v": 1, "z": 0.0}',
      });
      const b = await tool(client, "package_create", {
        ...base,
        package: "diff/b",
        user_meta_json: '{"v": 1.0, "z": -0.0}',
      });
      assert(a.ok && b.ok, a.text + b.text);
      const diff = await tool(client, "package_diff", {
        bucket: REG,
        package: "diff/a",
        other_package: "diff/b",
      });
      assert(diff.ok, diff.text);
      const change =
        (diff.value!.package_meta_changes as { key: string; old_json: string; new_json: string }[])
          .find((c) => c.key === "user_meta")!;
      assertEquals([change.old_json, change.new_json], [
        '{"v": 1, "z": 0.0}',
        '{"v": 1.0, "z": -0.0}',
      ]);
    });

    console.log(`quilt3 oracle over S3 (scale ${SCALE}):`, JSON.stringify(tally));
  } finally {
    await peer.close();
    await stdio.close();
    s3.destroy();
  }
});
