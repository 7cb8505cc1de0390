/**
 * The caller's catalog (Quilt registry) credential, built by auth and carried in the request
 * context: tools present it to the registry without knowing where it came from.
 * @module
 */
import { type CatalogCredential, CatalogCredentialError } from "../context.ts";
import { quilt3AccessToken, Quilt3LoginError, quilt3RegistryUrl } from "./desktop.ts";

/**
 * The web credential: `verifiedToken` is present only when the verified token's audience names
 * both this server and the registry (decided in http/authenticate.ts); anything else is refused
 * with a message that says why, and never falls back to another credential.
 */
export function webCatalogCredential(
  verifiedToken: string | undefined,
  registryAudience: string | undefined,
): CatalogCredential {
  return {
    token: () => {
      if (verifiedToken) return Promise.resolve(verifiedToken);
      return Promise.reject(
        new CatalogCredentialError(
          "catalog_credential_missing",
          registryAudience
            ? `This tool needs a catalog credential: your sign-in token is meant for this server only, and this server never forwards such a token. Sign in with a token whose audience also includes the Quilt registry (${registryAudience}).`
            : "This tool is not available on this server: no Quilt registry audience is configured (QUILT_MCP_REGISTRY_AUDIENCE), so no sign-in token may be presented to the registry.",
        ),
      );
    },
    loginRegistryUrl: () => Promise.resolve(undefined),
  };
}

/** Settings of the desktop credential (from the config). */
export interface DesktopCatalogOptions {
  readonly useQuilt3Login: boolean;
  readonly quilt3DataDir?: string;
  /** Used to refresh an expired quilt3 access token at the registry. */
  readonly fetch: typeof fetch;
}

/** The desktop credential: the person's quilt3 login, refreshed through the registry when stale. */
export function desktopCatalogCredential(options: DesktopCatalogOptions): CatalogCredential {
  const { useQuilt3Login, quilt3DataDir } = options;
  return {
    async token(registryUrl) {
      if (!useQuilt3Login || !quilt3DataDir) {
        throw new CatalogCredentialError(
          "catalog_login_required",
          "This tool needs your quilt3 login, and using it is switched off (QUILT_MCP_USE_QUILT3_LOGIN=false).",
        );
      }
      try {
        return await quilt3AccessToken(quilt3DataDir, registryUrl, options.fetch);
      } catch (e) {
        if (!(e instanceof Quilt3LoginError)) throw e;
        const expired = /expired|refresh/.test(e.message);
        throw new CatalogCredentialError(
          expired ? "catalog_login_expired" : "catalog_login_required",
          `This tool needs your Quilt catalog login: ${e.message}.`,
        );
      }
    },
    loginRegistryUrl: () =>
      useQuilt3Login && quilt3DataDir
        ? quilt3RegistryUrl(quilt3DataDir)
        : Promise.resolve(undefined),
  };
}
