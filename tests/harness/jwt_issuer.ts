/**
 * A real local token issuer: generated RS256 and ES256 key pairs, a JWKS served over HTTP on
 * loopback, and helpers that mint good tokens and deliberately bad ones for the auth matrix.
 * @module
 */
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

/** Algorithms the issuer signs with. */
export type IssuerAlg = "RS256" | "ES256";

/** Options of a minted token. */
export interface MintOptions {
  alg?: IssuerAlg;
  /** Override the key id in the header (e.g. an unknown kid). */
  kid?: string;
  /** Seconds from now until expiry (negative = already expired). Omit with `noExp`. */
  expiresIn?: number;
  noExp?: boolean;
  /** Seconds from now until the token becomes valid. */
  notBeforeIn?: number;
  issuer?: string;
  audience?: string | string[];
  subject?: string;
}

/** A running issuer. */
export interface JwtIssuer extends AsyncDisposable {
  /** The `iss` value of its tokens. */
  readonly issuer: string;
  /** URL of the JWKS document. */
  readonly jwksUrl: string;
  /** Public JWKs it serves. */
  readonly publicJwks: JWK[];
  /** PEM (SPKI) of the RSA public key: used to build algorithm-confusion tokens. */
  readonly rsaPublicPem: string;
  /** Mints a signed JWT with the given claims. */
  mint(claims: JWTPayload & Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** JWKS responses: "up" serves keys; "down" answers 503; "refuse" closes the listener. */
  setAvailability(mode: "up" | "down"): void;
  /** How many times the JWKS document was fetched. */
  readonly jwksFetches: number;
  stop(): Promise<void>;
}

/** Base64url without padding. */
export function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** An unsigned token (`alg: none`) with the given claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${
    b64url(JSON.stringify(claims))
  }.`;
}

/** An HS256 token signed with an arbitrary byte string as the secret. */
export async function hs256Token(
  claims: JWTPayload,
  secret: Uint8Array | string,
  kid?: string,
): Promise<string> {
  const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const jwt = new SignJWT(claims).setProtectedHeader(
    kid ? { alg: "HS256", kid } : { alg: "HS256" },
  );
  return await jwt.sign(key);
}

/** Starts an issuer on 127.0.0.1 with a fresh RS256 and ES256 key. */
export async function startIssuer(): Promise<JwtIssuer> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" };
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" };
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", rsa.publicKey as CryptoKey));
  const rsaPublicPem = `-----BEGIN PUBLIC KEY-----\n${
    btoa(String.fromCharCode(...spki)).match(/.{1,64}/g)!.join("\n")
  }\n-----END PUBLIC KEY-----\n`;
  let mode: "up" | "down" = "up";
  let fetches = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/.well-known/jwks.json") {
      return new Response("not found", { status: 404 });
    }
    fetches++;
    if (mode === "down") return new Response("unavailable", { status: 503 });
    return Response.json({ keys: [rsaJwk, ecJwk] });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const issuer = `${origin}/`;
  const stop = async () => {
    await server.shutdown();
  };
  return {
    issuer,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    publicJwks: [rsaJwk, ecJwk],
    rsaPublicPem,
    get jwksFetches() {
      return fetches;
    },
    setAvailability: (m) => {
      mode = m;
    },
    async mint(claims, options = {}) {
      const alg = options.alg ?? "RS256";
      const key = alg === "RS256" ? rsa.privateKey : ec.privateKey;
      const kid = options.kid ?? (alg === "RS256" ? "rsa-1" : "ec-1");
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuedAt(now)
        .setIssuer(options.issuer ?? issuer);
      if (options.audience !== undefined) jwt.setAudience(options.audience);
      if (options.subject !== undefined) jwt.setSubject(options.subject);
      if (!options.noExp) jwt.setExpirationTime(now + (options.expiresIn ?? 600));
      if (options.notBeforeIn !== undefined) jwt.setNotBefore(now + options.notBeforeIn);
      return await jwt.sign(key);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
