/**
 * Test helpers of the package-tool suites: the quilt3 peer against the emulator (one Python
 * process per batch of requests), seeded bytes, and raw registry writes for edge cases.
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PYTHON, REPO_ROOT } from "../../harness/mod.ts";
import type { Moto } from "../../harness/mod.ts";
import {
  buildManifest,
  chunkedHashOfBytes,
  computeTopHash,
  createHeader,
  formatS3Url,
  parseJson,
  serializeManifest,
} from "../../../server/quilt/mod.ts";

const PEER = join(REPO_ROOT, "tests", "tools", "peer", "quilt3_s3_peer.py");

/** A file for the peer to push: text, base64 bytes, or seeded random bytes [size, seed]. */
export interface PeerFile {
  lk: string;
  text?: string;
  b64?: string;
  seeded?: [number, number];
  meta_json?: string;
}

/** One entry as quilt3 sees it after Package.browse. */
export interface PeerEntry {
  lk: string;
  size: number;
  hash: { type: string; value: string };
  physical_key: string;
  meta_json: string;
  sha256?: string;
  verified?: boolean;
}

/** A package as quilt3 sees it after Package.browse. */
export interface PeerPackage {
  top_hash: string;
  meta_json: string;
  message: string | null;
  entries: PeerEntry[];
}

/**
 * Runs quilt3 once for a batch of requests against the emulator and returns the answers in
 * order; a request the peer could not serve fails the test with quilt3's traceback.
 */
export async function runQuilt3<T = Record<string, unknown>>(
  moto: Moto,
  requests: Record<string, unknown>[],
  timeoutMs = 120_000,
): Promise<T[]> {
  const home = await Deno.makeTempDir({ prefix: "quilt3-peer-home-" });
  try {
    const child = new Deno.Command(PYTHON, {
      args: [PEER],
      cwd: home,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        XDG_DATA_HOME: join(home, "data"),
        XDG_CACHE_HOME: join(home, "cache"),
        XDG_CONFIG_HOME: join(home, "config"),
        QUILT_DISABLE_USAGE_METRICS: "true",
        QUILT_DISABLE_CACHE: "true",
        PYTHONDONTWRITEBYTECODE: "1",
        AWS_EC2_METADATA_DISABLED: "true",
        ...moto.env(),
      },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, timeoutMs);
    const writer = child.stdin.getWriter();
    const body = requests.map((r) => JSON.stringify(r)).join("\n") + "\n";
    const [out] = await Promise.all([
      child.output(),
      writer.write(new TextEncoder().encode(body)).then(() => writer.close()),
    ]);
    clearTimeout(timer);
    const stderr = new TextDecoder().decode(out.stderr);
    const lines = new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
    if (!out.success || lines.length !== requests.length) {
      throw new Error(`quilt3 peer failed (${out.code}, ${lines.length} answers):\n${stderr}`);
    }
    return lines.map((l, i) => {
      const v = JSON.parse(l);
      if (v?.peer_error) throw new Error(`quilt3 peer request ${i}: ${v.peer_error}\n${stderr}`);
      return v as T;
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Deterministic pseudo-random bytes (xorshift), for large test objects. */
export function seededBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Hex SHA-256 of bytes or text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Writes a raw object (e.g. a hand-made manifest or pointer) into the emulator. */
export async function putRaw(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A file of a hand-made revision: logical key, size, and optional entry metadata (JSON text). */
export interface RawFile {
  lk: string;
  size?: number;
  meta?: string;
}

/**
 * Publishes a revision directly (manifest, `<timestamp>` pointer and, unless `latest: false`,
 * `latest`) with the format library, the way quilt3 lays it out; returns its top hash.
 */
export async function writeRevision(
  s3: S3Client,
  bucket: string,
  name: string,
  revision: {
    files: RawFile[];
    message?: string;
    userMeta?: string;
    timestamp: number;
    latest?: boolean;
  },
): Promise<string> {
  const manifest = buildManifest({
    header: createHeader({
      message: revision.message ?? null,
      ...(revision.userMeta ? { userMeta: parseJson(revision.userMeta) } : {}),
    }),
    entries: revision.files.map((f, i) => ({
      logicalKey: f.lk,
      physicalKey: formatS3Url({ bucket, key: `data/${f.lk}`, versionId: `v${i}` }),
      size: f.size ?? f.lk.length,
      hash: chunkedHashOfBytes(new TextEncoder().encode(f.lk)),
      meta: f.meta ? new Map([["user_meta", parseJson(f.meta)]]) : new Map(),
    })),
  });
  const topHash = computeTopHash(manifest);
  await putRaw(s3, bucket, `.quilt/packages/${topHash}`, serializeManifest(manifest));
  await putRaw(s3, bucket, `.quilt/named_packages/${name}/${revision.timestamp}`, topHash);
  if (revision.latest !== false) {
    await putRaw(s3, bucket, `.quilt/named_packages/${name}/latest`, topHash);
  }
  return topHash;
}
