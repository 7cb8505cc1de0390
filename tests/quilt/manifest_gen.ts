/** Random manifests for property tests (seeded): tricky keys, metadata and physical keys. @module */
import { Buffer } from "node:buffer";
import {
  buildManifest,
  createHeader,
  formatS3Url,
  type JsonValue,
  type Manifest,
  type ManifestEntry,
  SHA256_CHUNKED,
  SHA256_LEGACY,
} from "../../server/quilt/mod.ts";
import type { Rng } from "./helpers.ts";
import { randomValue } from "./json_gen.ts";

const SEGMENT_CHARS = [
  "a",
  "b",
  "c",
  "A",
  "0",
  "9",
  ".",
  "-",
  "_",
  " ",
  "+",
  "%",
  "#",
  "?",
  "&",
  "=",
  "é",
  "中",
  "😀",
  "\ue000",
  "~",
  "(",
  "'",
  ",",
  ";",
  "@",
];

function segment(rng: Rng): string {
  for (;;) {
    let s = "";
    const n = 1 + rng.int(6);
    for (let i = 0; i < n; i++) s += rng.pick(SEGMENT_CHARS);
    if (s !== "." && s !== "..") return s;
  }
}

/** Distinct valid logical keys where no key is also a directory of another. */
export function randomKeys(rng: Rng, n: number): string[] {
  const keys = new Set<string>();
  const dirs = new Set<string>();
  const pool: string[] = [""];
  let guard = 0;
  while (keys.size < n && guard++ < n * 50) {
    const base = rng.next() < 0.7 ? rng.pick(pool) : "";
    const depth = rng.int(3);
    const parts = base ? base.split("/") : [];
    for (let i = 0; i < depth; i++) parts.push(segment(rng));
    const dir = parts.join("/");
    const key = (dir ? dir + "/" : "") + segment(rng);
    // Skip keys that would clash with an existing file or directory.
    let clash = keys.has(key) || dirs.has(key);
    const segs = key.split("/");
    for (let i = 1; i < segs.length && !clash; i++) clash = keys.has(segs.slice(0, i).join("/"));
    if (clash) continue;
    keys.add(key);
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join("/"));
    if (dir) pool.push(dir);
  }
  return Array.from(keys);
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** A random entry: S3 physical key (sometimes versioned), chunked or legacy hash, metadata. */
export function randomEntry(rng: Rng, logicalKey: string): ManifestEntry {
  const legacy = rng.next() < 0.2;
  const hash = legacy
    ? { type: SHA256_LEGACY, value: Buffer.from(randomBytes(rng, 32)).toString("hex") }
    : { type: SHA256_CHUNKED, value: Buffer.from(randomBytes(rng, 32)).toString("base64") };
  const meta = rng.next() < 0.5 ? new Map() : new Map<string, JsonValue>([
    ["user_meta", randomValue(rng, 1, { writable: true })],
  ]);
  if (rng.next() < 0.1) meta.set("target", "parquet");
  const versionId = rng.next() < 0.5
    ? undefined
    : rng.pick(["v1", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "a b/c", "null"]);
  return {
    logicalKey,
    physicalKey: formatS3Url({ bucket: "test-bucket", key: `pkg/${logicalKey}`, versionId }),
    size: rng.next() < 0.1 ? 0 : rng.int(2 ** 40),
    hash,
    meta,
  };
}

/** A random manifest of about `n` entries with random package and directory metadata. */
export function randomManifest(rng: Rng, n: number): Manifest {
  const keys = randomKeys(rng, n);
  const entries = keys.map((k) => randomEntry(rng, k));
  const dirMeta = new Map<string, JsonValue>();
  for (const k of keys) {
    if (k.includes("/") && rng.next() < 0.05) {
      dirMeta.set(k.slice(0, k.lastIndexOf("/")), randomValue(rng, 2, { writable: true }));
    }
  }
  const header = createHeader({
    message: rng.next() < 0.3 ? null : "msg " + rng.pick(["é", "😀", "\n", '"', "x"]),
    userMeta: rng.next() < 0.3 ? undefined : randomValue(rng, 1, { writable: true }),
  });
  return buildManifest({ header, entries, dirMeta });
}
