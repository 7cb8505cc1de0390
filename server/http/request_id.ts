/** Request ids: a client's X-Request-Id is kept when it is sane, else one is generated. @module */

const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id to use for `request`. */
export function requestIdFor(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && SANE.test(given) ? given : crypto.randomUUID();
}
