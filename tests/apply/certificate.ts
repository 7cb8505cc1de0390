/**
 * A throwaway self-signed certificate for the examples' HTTPS listener, generated per run with
 * the openssl CLI (node:crypto makes keys but not X.509 certificates) and never written into the
 * checkout. It is imported into the emulator's ACM, as a platform team imports its own: a real
 * load balancer accepts only an issued certificate, which an imported one is and a requested one
 * awaiting DNS validation is not.
 * @module
 */
import { join } from "node:path";

/** PEM texts of a certificate for one host and its private key. */
export interface SelfSignedCertificate {
  readonly certificate: string;
  readonly privateKey: string;
}

/** An EC P-256 key (ACM imports it) and a one-day certificate naming `host`. */
export async function selfSignedCertificate(host: string): Promise<SelfSignedCertificate> {
  const dir = await Deno.makeTempDir({ prefix: "quilt-mcp-apply-cert-" });
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
    const { code, stderr } = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        "1",
        "-subj",
        `/CN=${host}`,
        "-addext",
        `subjectAltName=DNS:${host}`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`openssl req exited ${code}: ${new TextDecoder().decode(stderr)}`);
    }
    return {
      certificate: await Deno.readTextFile(certPath),
      privateKey: await Deno.readTextFile(keyPath),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
