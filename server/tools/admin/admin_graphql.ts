/**
 * The catalog administration API (GraphQL `admin { … }`) as the admin tools call it: the documents,
 * and how users and roles come back. Every document runs with the caller's own catalog credential;
 * the catalog allows it only to administrators.
 * @module
 */
import * as z from "zod";
import { MUTATION_ERRORS } from "../common/catalog_graphql.ts";

const ROLE = `__typename ... on UnmanagedRole { id name arn } ... on ManagedRole { id name arn }`;
const USER = `name email dateJoined lastLogin isActive isAdmin isSsoOnly isService
      role { ${ROLE} }
      extraRoles { ${ROLE} }`;
/** A user mutation's answer: the user, or the catalog's errors. */
const USER_RESULT = `__typename
      ... on User { ${USER} }${MUTATION_ERRORS}`;
/** A mutation's answer without a value: Ok, or the catalog's errors. */
const OK_RESULT = `__typename${MUTATION_ERRORS}`;
const SSO = `text timestamp uploader { name }`;

/** Every GraphQL document of the admin tools, by operation. */
export const ADMIN_QUERIES = {
  usersList: `query usersList {
  admin { user { list { ${USER} } } }
}`,
  usersGet: `query usersGet($name: String!) {
  admin { user { get(name: $name) { ${USER} } } }
}`,
  usersCreate: `mutation usersCreate($input: UserInput!) {
  admin { user { create(input: $input) { ${USER_RESULT} } } }
}`,
  usersDelete: `mutation usersDelete($name: String!) {
  admin { user { mutate(name: $name) { delete { ${OK_RESULT} } } } }
}`,
  usersSetEmail: `mutation usersSetEmail($name: String!, $email: String!) {
  admin { user { mutate(name: $name) { setEmail(email: $email) { ${USER_RESULT} } } } }
}`,
  usersSetAdmin: `mutation usersSetAdmin($name: String!, $admin: Boolean!) {
  admin { user { mutate(name: $name) { setAdmin(admin: $admin) { ${USER_RESULT} } } } }
}`,
  usersSetActive: `mutation usersSetActive($name: String!, $active: Boolean!) {
  admin { user { mutate(name: $name) { setActive(active: $active) { ${USER_RESULT} } } } }
}`,
  usersResetPassword: `mutation usersResetPassword($name: String!) {
  admin { user { mutate(name: $name) { resetPassword { ${OK_RESULT} } } } }
}`,
  usersSetRole:
    `mutation usersSetRole($name: String!, $role: String!, $extraRoles: [String!], $append: Boolean!) {
  admin { user { mutate(name: $name) { setRole(role: $role, extraRoles: $extraRoles, append: $append) { ${USER_RESULT} } } } }
}`,
  usersAddRoles: `mutation usersAddRoles($name: String!, $roles: [String!]!) {
  admin { user { mutate(name: $name) { addRoles(roles: $roles) { ${USER_RESULT} } } } }
}`,
  usersRemoveRoles:
    `mutation usersRemoveRoles($name: String!, $roles: [String!]!, $fallback: String) {
  admin { user { mutate(name: $name) { removeRoles(roles: $roles, fallback: $fallback) { ${USER_RESULT} } } } }
}`,
  rolesList: `query rolesList {
  roles { ${ROLE} }
}`,
  ssoConfigGet: `query ssoConfigGet {
  admin { ssoConfig { ${SSO} } }
}`,
  ssoConfigSet: `mutation ssoConfigSet($config: String) {
  admin { setSsoConfig(config: $config) { __typename ... on SsoConfig { ${SSO} }${MUTATION_ERRORS} } }
}`,
  tabulatorTableSet:
    `mutation bucketTabulatorTableSet($bucketName: String!, $tableName: String!, $config: String) {
  admin { bucketSetTabulatorTable(bucketName: $bucketName, tableName: $tableName, config: $config) { ${OK_RESULT} } }
}`,
  tabulatorTableRename:
    `mutation bucketTabulatorTableRename($bucketName: String!, $tableName: String!, $newTableName: String!) {
  admin { bucketRenameTabulatorTable(bucketName: $bucketName, tableName: $tableName, newTableName: $newTableName) { ${OK_RESULT} } }
}`,
  tabulatorOpenQueryGet: `query tabulatorGetOpenQuery {
  admin { tabulatorOpenQuery }
}`,
  tabulatorOpenQuerySet: `mutation tabulatorSetOpenQuery($enabled: Boolean!) {
  admin { setTabulatorOpenQuery(enabled: $enabled) { tabulatorOpenQuery } }
}`,
} as const;

/** A role as the tools return it. */
export const roleSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  arn: z.string().nullable(),
  managed: z.boolean().describe(
    "Managed by the catalog (policies) rather than an existing IAM role",
  ),
});

/** A user as the tools return it. */
export const userSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  date_joined: z.string().nullable(),
  last_login: z.string().nullable(),
  is_active: z.boolean(),
  is_admin: z.boolean(),
  is_sso_only: z.boolean(),
  is_service: z.boolean(),
  role: roleSchema.nullable(),
  extra_roles: z.array(roleSchema),
});

const s = (v: unknown) => (typeof v === "string" ? v : null);

/** A role of a GraphQL answer. */
export function roleOut(r: unknown): z.infer<typeof roleSchema> {
  const x = (r ?? {}) as Record<string, unknown>;
  return {
    id: s(x.id),
    name: String(x.name ?? ""),
    arn: s(x.arn),
    managed: x.__typename === "ManagedRole",
  };
}

/** A user of a GraphQL answer. */
export function userOut(u: unknown): z.infer<typeof userSchema> {
  const x = (u ?? {}) as Record<string, unknown>;
  return {
    name: String(x.name ?? ""),
    email: s(x.email),
    date_joined: s(x.dateJoined),
    last_login: s(x.lastLogin),
    is_active: x.isActive === true,
    is_admin: x.isAdmin === true,
    is_sso_only: x.isSsoOnly === true,
    is_service: x.isService === true,
    role: x.role ? roleOut(x.role) : null,
    extra_roles: Array.isArray(x.extraRoles) ? x.extraRoles.map(roleOut) : [],
  };
}
