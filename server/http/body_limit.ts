/** Reads a request body with a hard byte limit (Content-Length is checked first, then the stream). @module */

/** The body exceeded the limit. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** Returns the body bytes, or throws BodyTooLargeError without reading past `limit + 1` bytes. */
export async function readBodyLimited(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel();
    throw new BodyTooLargeError(limit);
  }
  if (!request.body) return new Uint8Array();
  if (declared !== null) {
    // HTTP framing (HTTP/1.1 and HTTP/2 alike, enforced by the server) delivers exactly the declared
    // length, so one native read is bounded; the check below is a second line, not the limit.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit) throw new BodyTooLargeError(limit);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.length;
  }
  return body;
}
