/** governance: who am I and what may I do. @module */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import * as z from "zod";
import { defineTool, READ_ONLY, type ToolDefinition } from "./define.ts";

const authStatus = defineTool({
  name: "auth_status",
  title: "Who am I",
  description:
    "Shows the identity this server acts as for you: your principal, client type, the AWS role and session (from STS GetCallerIdentity) and the enabled tool categories. Use it first when access fails or to confirm which account and role you are using. Returns no secrets.",
  input: z.object({}),
  output: z.object({
    principal: z.string(),
    client_type: z.string(),
    request_id: z.string(),
    role_arn: z.string().nullable(),
    aws_account: z.string().nullable(),
    aws_arn: z.string().nullable(),
    aws_user_id: z.string().nullable(),
    enabled_categories: z.array(z.string()),
  }),
  annotations: READ_ONLY,
  async run(_args, { context, deps, aws }) {
    const identity = await aws(
      { action: "sts:GetCallerIdentity" },
      () => deps.aws.sts().send(new GetCallerIdentityCommand({})),
    );
    return {
      principal: context.principal.id,
      client_type: context.clientType,
      request_id: context.requestId,
      role_arn: context.aws.roleArn ?? null,
      aws_account: identity.Account ?? null,
      aws_arn: identity.Arn ?? null,
      aws_user_id: identity.UserId ?? null,
      enabled_categories: [...context.enabledCategories].sort(),
    };
  },
});

/** Tools of the governance category. */
export const GOVERNANCE_TOOLS: readonly ToolDefinition[] = [authStatus];
