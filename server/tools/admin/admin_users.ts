/**
 * Catalog users and roles (admin category): list, get, create, delete, and change a user's email,
 * roles, admin and active status, reset a password, list roles — through the catalog's admin
 * GraphQL API with the caller's own catalog credential (the catalog allows administrators only).
 * @module
 */
import * as z from "zod";
import { catalogGraphql, dig, mutationResult } from "../common/catalog_graphql.ts";
import {
  defineTool,
  READ_ONLY,
  type ToolAnnotations,
  type ToolDefinition,
} from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { ADMIN_QUERIES, roleOut, roleSchema, userOut, userSchema } from "./admin_graphql.ts";

/** Catalog reads: no change, but the catalog, not AWS, answers. */
const CATALOG_READ: ToolAnnotations = { ...READ_ONLY };
/** A change to the catalog that can be repeated with the same result. */
const CATALOG_SET: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** A catalog user name. */
export const userName = z.string().min(1).max(150).regex(
  /^[\w.@+-]+$/,
  "a catalog user name has letters, digits and . @ + - _",
).describe("Catalog user name");
const roleName = z.string().min(1).max(255).describe("Catalog role name");
const email = z.string().min(3).max(254).regex(/^[^@\s]+@[^@\s]+$/, "not an email address");

const userOutput = z.object({ user: userSchema });

/** A tool that runs one user mutation returning the changed user. */
function userMutation<I extends z.ZodRawShape>(spec: {
  name: string;
  title: string;
  description: string;
  input: I;
  annotations: ToolAnnotations;
  document: string;
  field: string;
  variables: (args: z.infer<z.ZodObject<I>> & { name: string }) => Record<string, unknown>;
}): ToolDefinition {
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: z.object({ name: userName, ...spec.input }),
    output: userOutput,
    annotations: spec.annotations,
    async run(args, env) {
      const a = args as z.infer<z.ZodObject<I>> & { name: string };
      const data = await catalogGraphql(env, spec.document, spec.variables(a));
      const mutate = dig(data, "admin", "user", "mutate");
      if (mutate === null) throw new ToolError("not_found", `Not found: catalog user '${a.name}'.`);
      const result = mutationResult(
        dig(data, "admin", "user", "mutate", spec.field),
        ["User"],
        `${spec.title.toLowerCase()} for '${a.name}'`,
      );
      return { user: userOut(result) };
    },
  });
}

const usersList = defineTool({
  name: "admin_users_list",
  title: "List catalog users",
  description:
    "Lists every user of the Quilt catalog with email, roles, admin/active/SSO status and last login. Needs a catalog administrator's sign-in (your own catalog credential); AWS credentials alone give no access.",
  input: z.object({}),
  output: z.object({ users: z.array(userSchema) }),
  annotations: CATALOG_READ,
  async run(_args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.usersList, {});
    return { users: ((dig(data, "admin", "user", "list") as unknown[]) ?? []).map(userOut) };
  },
});

const userGet = defineTool({
  name: "admin_user_get",
  title: "Get a catalog user",
  description:
    "Shows one catalog user: email, active role and extra roles, admin/active/SSO/service flags, join date and last login. Needs a catalog administrator's sign-in.",
  input: z.object({ name: userName }),
  output: userOutput,
  annotations: CATALOG_READ,
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.usersGet, { name: args.name });
    const user = dig(data, "admin", "user", "get");
    if (!user) throw new ToolError("not_found", `Not found: catalog user '${args.name}'.`);
    return { user: userOut(user) };
  },
});

const userCreate = defineTool({
  name: "admin_user_create",
  title: "Create a catalog user",
  description:
    "Creates a Quilt catalog user with an email, an active role and optional extra roles; the catalog sends the invitation. Needs a catalog administrator's sign-in. Fails (nothing changes) if the name or email is taken or a role does not exist.",
  input: z.object({
    name: userName,
    email: email.describe("The user's email address"),
    role: roleName.describe("Active role"),
    extra_roles: z.array(roleName).max(50).optional().describe(
      "Further roles the user may switch to",
    ),
  }),
  output: userOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.usersCreate, {
      input: {
        name: args.name,
        email: args.email,
        role: args.role,
        extraRoles: args.extra_roles ?? null,
      },
    });
    const user = mutationResult(
      dig(data, "admin", "user", "create"),
      ["User"],
      `creating '${args.name}'`,
    );
    return { user: userOut(user) };
  },
});

const userDelete = defineTool({
  name: "admin_user_delete",
  title: "Delete a catalog user",
  description:
    "Deletes a Quilt catalog user (their sign-in stops working; their packages and data stay). Needs a catalog administrator's sign-in. Cannot be undone from this server; consider admin_user_set_active with active: false instead.",
  input: z.object({ name: userName }),
  output: z.object({ deleted: z.string() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.usersDelete, { name: args.name });
    if (dig(data, "admin", "user", "mutate") === null) {
      throw new ToolError("not_found", `Not found: catalog user '${args.name}'.`);
    }
    mutationResult(
      dig(data, "admin", "user", "mutate", "delete"),
      ["Ok"],
      `deleting '${args.name}'`,
    );
    return { deleted: args.name };
  },
});

const userResetPassword = defineTool({
  name: "admin_user_reset_password",
  title: "Reset a user's password",
  description:
    "Resets a catalog user's password (the catalog emails them a reset link). Needs a catalog administrator's sign-in.",
  input: z.object({ name: userName }),
  output: z.object({ reset: z.string() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.usersResetPassword, { name: args.name });
    if (dig(data, "admin", "user", "mutate") === null) {
      throw new ToolError("not_found", `Not found: catalog user '${args.name}'.`);
    }
    mutationResult(
      dig(data, "admin", "user", "mutate", "resetPassword"),
      ["Ok"],
      `resetting the password of '${args.name}'`,
    );
    return { reset: args.name };
  },
});

const rolesList = defineTool({
  name: "admin_roles_list",
  title: "List catalog roles",
  description:
    "Lists the Quilt catalog's roles (name, id, IAM role ARN, managed or not), the names admin_user_set_role and admin_user_create accept. Needs a catalog administrator's sign-in.",
  input: z.object({}),
  output: z.object({ roles: z.array(roleSchema) }),
  annotations: CATALOG_READ,
  async run(_args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.rolesList, {});
    return { roles: ((dig(data, "roles") as unknown[]) ?? []).map(roleOut) };
  },
});

/** User and role tools of the admin category. */
export const ADMIN_USER_TOOLS: readonly ToolDefinition[] = [
  usersList,
  userGet,
  userCreate,
  userDelete,
  userMutation({
    name: "admin_user_set_email",
    title: "Set a user's email",
    description: "Changes a catalog user's email address. Needs a catalog administrator's sign-in.",
    input: { email: email.describe("The new email address") },
    annotations: CATALOG_SET,
    document: ADMIN_QUERIES.usersSetEmail,
    field: "setEmail",
    variables: (a) => ({ name: a.name, email: a.email }),
  }),
  userMutation({
    name: "admin_user_set_role",
    title: "Set a user's roles",
    description:
      "Sets a catalog user's active role and extra roles (append: true adds the extra roles to the ones they have instead of replacing them). Needs a catalog administrator's sign-in.",
    input: {
      role: roleName.describe("The active role"),
      extra_roles: z.array(roleName).max(50).optional().describe("Further roles"),
      append: z.boolean().default(false).describe("Add extra_roles to the existing ones"),
    },
    annotations: CATALOG_SET,
    document: ADMIN_QUERIES.usersSetRole,
    field: "setRole",
    variables: (a) => ({
      name: a.name,
      role: a.role,
      extraRoles: a.extra_roles ?? null,
      append: a.append,
    }),
  }),
  userMutation({
    name: "admin_user_add_roles",
    title: "Add roles to a user",
    description:
      "Adds roles to a catalog user's extra roles. Needs a catalog administrator's sign-in.",
    input: { roles: z.array(roleName).min(1).max(50) },
    annotations: CATALOG_SET,
    document: ADMIN_QUERIES.usersAddRoles,
    field: "addRoles",
    variables: (a) => ({ name: a.name, roles: a.roles }),
  }),
  userMutation({
    name: "admin_user_remove_roles",
    title: "Remove roles from a user",
    description:
      "Removes roles from a catalog user; when the active role is removed, fallback becomes the active role. Needs a catalog administrator's sign-in.",
    input: {
      roles: z.array(roleName).min(1).max(50),
      fallback: roleName.optional().describe("The active role if the current one is removed"),
    },
    annotations: { ...CATALOG_SET, destructiveHint: true },
    document: ADMIN_QUERIES.usersRemoveRoles,
    field: "removeRoles",
    variables: (a) => ({ name: a.name, roles: a.roles, fallback: a.fallback ?? null }),
  }),
  userMutation({
    name: "admin_user_set_admin",
    title: "Grant or revoke catalog admin",
    description:
      "Makes a catalog user an administrator (admin: true) or not (false). Needs a catalog administrator's sign-in.",
    input: { admin: z.boolean() },
    annotations: CATALOG_SET,
    document: ADMIN_QUERIES.usersSetAdmin,
    field: "setAdmin",
    variables: (a) => ({ name: a.name, admin: a.admin }),
  }),
  userMutation({
    name: "admin_user_set_active",
    title: "Activate or deactivate a user",
    description:
      "Activates (active: true) or deactivates (false) a catalog user; a deactivated user cannot sign in. Needs a catalog administrator's sign-in.",
    input: { active: z.boolean() },
    annotations: CATALOG_SET,
    document: ADMIN_QUERIES.usersSetActive,
    field: "setActive",
    variables: (a) => ({ name: a.name, active: a.active }),
  }),
  userResetPassword,
  rolesList,
];
