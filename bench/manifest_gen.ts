/**
 * Realistic large manifests for the bench: nested folders (runs/samples/files), sha2-256-chunked
 * hashes, versioned physical keys, per-entry user metadata on a share of the entries (with floats
 * and non-ASCII text), written byte-exactly as quilt3 writes them by server/quilt.
 * @module
 */
import {
  buildManifest,
  createHeader,
  type JsonValue,
  type Manifest,
  type ManifestEntry,
  parseJson,
  serializeManifest,
  SHA256_CHUNKED,
} from "../server/quilt/mod.ts";
import { Rng } from "../tests/resilience/rng.ts";

function b64(rng: Rng, n: number): string {
  let bin = "";
  for (const b of rng.bytes(n)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** A manifest of `entries` files with a fixed seed. */
export function generateManifest(entries: number, seed = 42, message = "bench"): Manifest {
  const rng = new Rng(seed);
  const list: ManifestEntry[] = [];
  const perSample = 20;
  const perRun = 50;
  for (let i = 0; i < entries; i++) {
    const run = Math.floor(i / (perSample * perRun));
    const sample = Math.floor(i / perSample) % perRun;
    const file = i % perSample;
    const ext = rng.pick(["csv", "parquet", "json", "txt", "bam"]);
    const logicalKey = `runs/run-${String(run).padStart(4, "0")}/sample-${
      String(sample).padStart(3, "0")
    }/file-${String(file).padStart(3, "0")}.${ext}`;
    const meta: JsonValue = rng.chance(0.3)
      ? parseJson(
        `{"user_meta": {"lab": "séquençage-${rng.int(9)}", "score": ${rng.int(1000)}.5, "qc": ${
          rng.chance(0.5)
        }, "n": ${rng.int(100000)}}}`,
      )
      : new Map();
    list.push({
      logicalKey,
      physicalKey: `s3://bench-data/${logicalKey}?versionId=${b64(rng, 24).replace(/[+/=]/g, "x")}`,
      size: rng.int(50_000_000),
      hash: { type: SHA256_CHUNKED, value: b64(rng, 32) },
      meta,
    });
  }
  return buildManifest({
    header: createHeader({
      message,
      userMeta: parseJson(
        '{"project": "bench", "version": 1.0, "threshold": 1e-07, "owner": "Zoë"}',
      ),
    }),
    entries: list,
  });
}

/** Writes a generated manifest to `path`; returns its size in bytes. */
export async function writeManifest(path: string, manifest: Manifest): Promise<number> {
  const bytes = new TextEncoder().encode(serializeManifest(manifest));
  await Deno.writeFile(path, bytes);
  return bytes.length;
}
