/** RFC 9728 Protected Resource Metadata for the MCP endpoint. @module */
import {
  getOAuthProtectedResourceMetadataUrl,
  type OAuthProtectedResourceMetadata,
} from "@modelcontextprotocol/server";
import type { Config } from "../config/schema.ts";

/** URL of the metadata document for the configured public MCP URL. */
export function resourceMetadataUrl(config: Config): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(config.publicUrl!));
}

/** Paths (on this server) at which the document is served: the path-suffixed form and the root form. */
export function resourceMetadataPaths(config: Config): string[] {
  const suffixed = new URL(resourceMetadataUrl(config)).pathname;
  return [...new Set([suffixed, "/.well-known/oauth-protected-resource"])];
}

/** The metadata document. */
export function resourceMetadata(config: Config): OAuthProtectedResourceMetadata {
  return {
    resource: config.publicUrl!,
    authorization_servers: [...config.authAuthorizationServers],
    bearer_methods_supported: ["header"],
    resource_name: "Quilt MCP Server",
    ...(config.authRequiredScopes.length > 0
      ? { scopes_supported: [...config.authRequiredScopes] }
      : {}),
  };
}
