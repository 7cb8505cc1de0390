/**
 * Strict extraction of the bearer token: only from one `Authorization: Bearer <jws>` header, never
 * from the query string or a cookie, bounded in size. Anything ambiguous is refused, because a lax
 * parser (first of several comma-joined headers, first of several spaces) lets two parties disagree
 * on which token a request carried.
 * @module
 */
import { MalformedAuthRequestError, TokenRejectedError } from "./errors.ts";

/** RFC 6750 b64token, restricted to the base64url alphabet a JWS compact serialization uses. */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
/** Query parameters through which some clients try to pass tokens. */
const QUERY_TOKEN_PARAMS = ["access_token", "token", "id_token", "bearer"];

/** Whether the URL's query names a token parameter (only URLs with a query are parsed). */
function hasTokenInQuery(url: string): boolean {
  if (!url.includes("?")) return false;
  const params = new URL(url).searchParams;
  return QUERY_TOKEN_PARAMS.some((p) => params.has(p));
}

/** Returns the token of `request` or throws the matching auth error. */
export function extractBearerToken(request: Request, maxTokenBytes: number): string {
  if (hasTokenInQuery(request.url)) {
    throw new MalformedAuthRequestError(
      "tokens are accepted only in the Authorization header, never in the URL",
    );
  }
  const header = request.headers.get("authorization");
  if (header === null || header.trim() === "") {
    throw new TokenRejectedError("missing_token", "an Authorization: Bearer token is required");
  }
  if (header.length > maxTokenBytes + "Bearer ".length) {
    throw new TokenRejectedError("malformed_header", "the bearer token is too long");
  }
  // Several Authorization headers arrive comma-joined; refuse rather than pick one.
  if (header.includes(",")) {
    throw new TokenRejectedError("malformed_header", "exactly one Authorization header is allowed");
  }
  if (!/^Bearer\s/i.test(header)) {
    throw new TokenRejectedError("malformed_header", "the Authorization scheme must be Bearer");
  }
  const match = BEARER.exec(header);
  if (!match) {
    throw new TokenRejectedError("malformed_header", "the bearer token is not a compact JWS");
  }
  return match[1];
}
