/**
 * A bounded cache of parsed manifests, so paging through a large package does not download and
 * parse its manifest again for every page. It holds data, never credentials: every use is
 * revalidated with a conditional GET under the caller's own credentials (see package_io.ts), so
 * S3 still decides, per call, whether this caller may read that manifest, and an overwritten
 * manifest (new ETag) is never served from the cache.
 * @module
 */
import type { Manifest } from "../../quilt/mod.ts";
import type { ToolDeps } from "./define.ts";

/** Manifest bytes kept per process (parsed, about twice that in memory): one 100k-entry package. */
export const MANIFEST_CACHE_BYTES = 32 * 1024 * 1024;

interface Cached {
  readonly etag: string;
  readonly manifest: Manifest;
  readonly bytes: number;
}

/** Least-recently-used manifests by (bucket, top hash), bounded by their byte size. */
export class ManifestCache {
  readonly #items = new Map<string, Cached>();
  readonly #limit: number;
  #bytes = 0;

  /** Creates a cache holding at most `limitBytes` of manifest text. */
  constructor(limitBytes = MANIFEST_CACHE_BYTES) {
    this.#limit = limitBytes;
  }

  static #key(bucket: string, topHash: string): string {
    return `${bucket}/${topHash}`;
  }

  /** The cached manifest (and the ETag it was read with), marking it recently used. */
  get(bucket: string, topHash: string): Cached | undefined {
    const key = ManifestCache.#key(bucket, topHash);
    const hit = this.#items.get(key);
    if (hit) {
      this.#items.delete(key);
      this.#items.set(key, hit);
    }
    return hit;
  }

  /** Stores a manifest read with `etag`; too-large manifests are not kept. */
  set(bucket: string, topHash: string, value: Cached): void {
    const key = ManifestCache.#key(bucket, topHash);
    this.delete(bucket, topHash);
    if (value.bytes > this.#limit) return;
    this.#items.set(key, value);
    this.#bytes += value.bytes;
    for (const [k, v] of this.#items) {
      if (this.#bytes <= this.#limit) break;
      this.#items.delete(k);
      this.#bytes -= v.bytes;
    }
  }

  /** Forgets one manifest. */
  delete(bucket: string, topHash: string): void {
    const key = ManifestCache.#key(bucket, topHash);
    const old = this.#items.get(key);
    if (old) {
      this.#items.delete(key);
      this.#bytes -= old.bytes;
    }
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }
}

// One cache per process, attached to the process-wide tool dependencies (no module state).
const caches = new WeakMap<ToolDeps, ManifestCache>();

/** The manifest cache of this process. */
export function manifestCacheOf(deps: ToolDeps): ManifestCache {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, cache = new ManifestCache());
  return cache;
}
