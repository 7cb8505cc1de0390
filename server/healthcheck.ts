/** `quilt-mcp healthcheck`: the container health check (the image has no curl). @module */
import { X509Certificate } from "node:crypto";
import type { Config } from "./config/schema.ts";

/** How long the whole check may take. */
const TIMEOUT_MS = 3000;

/**
 * 0 when /healthz on the configured port answers 200 within 3 s, else 1. Over HTTPS when the
 * server serves TLS (QUILT_MCP_TLS_CERTIFICATE): see {@linkcode httpsStatus}.
 */
export async function healthcheck(config: Config): Promise<number> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  try {
    const status = config.tlsCertificate === undefined
      ? await httpStatus(host, config.port)
      : await httpsStatus(host, config.port, config.tlsCertificate);
    return status === 200 ? 0 : 1;
  } catch {
    return 1;
  }
}

async function httpStatus(host: string, port: number): Promise<number> {
  const r = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await r.body?.cancel();
  return r.status;
}

/**
 * GET /healthz over TLS to the local address, verifying the server's certificate against the
 * configured chain itself (the task checks that it serves its own certificate) under the first
 * name the leaf certifies: the TCP connection goes to the loopback address whatever the name.
 */
async function httpsStatus(host: string, port: number, chain: string): Promise<number> {
  const certs = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (certs === null) return 0;
  const name = certifiedName(new X509Certificate(certs[0]));
  if (name === undefined) return 0;
  const tcp = await Deno.connect({ hostname: host, port });
  // The deadline closes whichever connection is current (startTls takes over the TCP one).
  let current: Deno.Conn = tcp;
  const close = () => {
    try {
      current.close();
    } catch { /* already closed */ }
  };
  const timer = setTimeout(close, TIMEOUT_MS);
  try {
    const conn = await Deno.startTls(tcp, { hostname: name, caCerts: certs });
    current = conn;
    await conn.write(
      new TextEncoder().encode(
        `GET /healthz HTTP/1.1\r\nHost: ${name}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buffer = new Uint8Array(64);
    let text = "";
    while (!text.includes("\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return Number(/^HTTP\/1\.[01] (\d{3}) /.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  } finally {
    clearTimeout(timer);
    close();
  }
}

/** The first DNS name or IP address of the certificate's subjectAltName, else its CN. */
function certifiedName(cert: X509Certificate): string | undefined {
  for (const entry of (cert.subjectAltName ?? "").split(/,\s*/)) {
    const m = /^(?:DNS|IP Address):(.+)$/.exec(entry.trim());
    if (m) return m[1];
  }
  return /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
}
