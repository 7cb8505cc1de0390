/** The governance category's MCP resource: auth://status, the auth_status answer as context. @module */
import { defineResource, type ResourceDefinition } from "../common/define_resource.ts";
import { authStatusOf } from "./governance.ts";

const authStatusResource = defineResource({
  uri: "auth://status",
  name: "auth-status",
  title: "Who am I",
  description:
    "The identity this server acts as for you: principal, client type, the AWS role and session (STS GetCallerIdentity) and the enabled categories — the same answer as the auth_status tool, for clients that attach context. Contains no secrets.",
  mimeType: "application/json",
  async read(_uri, _vars, env) {
    return { text: JSON.stringify(await authStatusOf(env), null, 2), mimeType: "application/json" };
  },
});

/** Resources of the governance category. */
export const GOVERNANCE_RESOURCES: readonly ResourceDefinition[] = [authStatusResource];
