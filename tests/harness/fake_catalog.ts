/**
 * A fake Quilt catalog for tests, on 127.0.0.1 and an ephemeral port: `/config.json` (registryUrl,
 * analyticsBucket) and `/graphql` answering the catalog's admin and Tabulator operations the
 * server sends, with in-memory state so a change is visible to the next read. Every request is
 * recorded (operation name, exact document, variables, Authorization header) for tests to assert.
 * Who the caller is comes from the bearer token (a JWT's `sub`, or the opaque token itself); the
 * admin operations answer `Forbidden` (a GraphQL error, as the catalog does) unless the caller is
 * one of `admins`, and an unknown caller gets HTTP 401.
 * @module
 */

/** One request the fake catalog received. */
export interface CatalogRequest {
  readonly path: string;
  readonly operation: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly auth: string | null;
  readonly caller: string | null;
}

interface Role {
  __typename: "UnmanagedRole" | "ManagedRole";
  id: string;
  name: string;
  arn: string;
}
interface User {
  name: string;
  email: string;
  dateJoined: string;
  lastLogin: string | null;
  isActive: boolean;
  isAdmin: boolean;
  isSsoOnly: boolean;
  isService: boolean;
  role: string | null;
  extraRoles: string[];
}

/** The fake catalog's state (tests may inspect and seed it). */
export interface CatalogState {
  users: Map<string, User>;
  roles: Role[];
  sso: { text: string; timestamp: string; uploader: string } | null;
  /** bucket → table → YAML config */
  tables: Map<string, Map<string, string>>;
  openQuery: boolean;
}

/** A running fake catalog. */
export interface FakeCatalog extends AsyncDisposable {
  /** http://127.0.0.1:PORT (catalog and registry at once). */
  readonly url: string;
  readonly requests: CatalogRequest[];
  readonly state: CatalogState;
  /** Requests of one GraphQL operation, in order. */
  operations(name: string): CatalogRequest[];
}

function callerOf(auth: string | null): string | null {
  const token = /^Bearer (\S+)$/.exec(auth ?? "")?.[1];
  if (!token) return null;
  const parts = token.split(".");
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/")));
      if (typeof payload.sub === "string") return payload.sub;
    } catch { /* not a JWT */ }
  }
  return token;
}

const ADMIN_OPERATIONS = new Set([
  "usersList",
  "usersGet",
  "usersCreate",
  "usersDelete",
  "usersSetEmail",
  "usersSetAdmin",
  "usersSetActive",
  "usersResetPassword",
  "usersSetRole",
  "usersAddRoles",
  "usersRemoveRoles",
  "rolesList",
  "ssoConfigGet",
  "ssoConfigSet",
  "bucketTabulatorTableSet",
  "bucketTabulatorTableRename",
  "tabulatorGetOpenQuery",
  "tabulatorSetOpenQuery",
]);

/** Starts a fake catalog. `callers` are the known identities; `admins` those allowed to administer. */
export function startFakeCatalog(options: {
  callers: readonly string[];
  admins: readonly string[];
  analyticsBucket?: string;
  buckets?: readonly string[];
}): FakeCatalog {
  const requests: CatalogRequest[] = [];
  const roles: Role[] = [
    {
      __typename: "UnmanagedRole",
      id: "r1",
      name: "ReadQuiltBucket",
      arn: "arn:aws:iam::123456789012:role/read",
    },
    {
      __typename: "ManagedRole",
      id: "r2",
      name: "ReadWriteQuiltBucket",
      arn: "arn:aws:iam::123456789012:role/rw",
    },
  ];
  const state: CatalogState = {
    users: new Map([[
      "alice",
      {
        name: "alice",
        email: "alice@example.com",
        dateJoined: "2026-01-01T00:00:00Z",
        lastLogin: "2026-02-01T00:00:00Z",
        isActive: true,
        isAdmin: false,
        isSsoOnly: false,
        isService: false,
        role: "ReadQuiltBucket",
        extraRoles: [],
      },
    ]]),
    roles,
    sso: null,
    tables: new Map((options.buckets ?? []).map((b) => [b, new Map()])),
    openQuery: false,
  };
  const roleByName = (name: string | null) => roles.find((r) => r.name === name) ?? null;
  const userView = (u: User) => ({
    __typename: "User",
    ...u,
    role: roleByName(u.role),
    extraRoles: u.extraRoles.map(roleByName).filter((r) => r !== null),
  });
  const invalid = (path: string, message: string) => ({
    __typename: "InvalidInput",
    errors: [{ path, message, name: "InvalidInput" }],
  });
  const unknownRole = (names: (string | null)[]) => names.find((n) => n !== null && !roleByName(n));

  function answer(op: string, v: Record<string, unknown>): unknown {
    const name = String(v.name ?? "");
    const user = state.users.get(name);
    const mutate = (f: (u: User) => unknown) => ({
      admin: { user: { mutate: user ? f(user) : null } },
    });
    switch (op) {
      case "usersList":
        return { admin: { user: { list: [...state.users.values()].map(userView) } } };
      case "usersGet":
        return { admin: { user: { get: user ? userView(user) : null } } };
      case "usersCreate": {
        const input = v.input as Record<string, unknown>;
        const n = String(input.name);
        const bad = state.users.has(n)
          ? invalid("input.name", "Username already taken")
          : unknownRole([input.role as string, ...((input.extraRoles as string[] | null) ?? [])])
          ? invalid("input.role", "Role does not exist")
          : null;
        if (bad) return { admin: { user: { create: bad } } };
        const created: User = {
          name: n,
          email: String(input.email),
          dateJoined: "2026-03-01T00:00:00Z",
          lastLogin: null,
          isActive: true,
          isAdmin: false,
          isSsoOnly: false,
          isService: false,
          role: String(input.role),
          extraRoles: (input.extraRoles as string[] | null) ?? [],
        };
        state.users.set(n, created);
        return { admin: { user: { create: userView(created) } } };
      }
      case "usersDelete":
        return mutate(() => {
          state.users.delete(name);
          return { delete: { __typename: "Ok" } };
        });
      case "usersResetPassword":
        return mutate(() => ({ resetPassword: { __typename: "Ok" } }));
      case "usersSetEmail":
        return mutate((u) => {
          u.email = String(v.email);
          return { setEmail: userView(u) };
        });
      case "usersSetAdmin":
        return mutate((u) => {
          u.isAdmin = v.admin === true;
          return { setAdmin: userView(u) };
        });
      case "usersSetActive":
        return mutate((u) => {
          u.isActive = v.active === true;
          return { setActive: userView(u) };
        });
      case "usersSetRole":
        return mutate((u) => {
          const extra = (v.extraRoles as string[] | null) ?? [];
          const missing = unknownRole([v.role as string, ...extra]);
          if (missing) return { setRole: invalid("role", `Role ${missing} does not exist`) };
          u.role = String(v.role);
          u.extraRoles = v.append === true ? [...new Set([...u.extraRoles, ...extra])] : extra;
          return { setRole: userView(u) };
        });
      case "usersAddRoles":
        return mutate((u) => {
          u.extraRoles = [...new Set([...u.extraRoles, ...(v.roles as string[])])];
          return { addRoles: userView(u) };
        });
      case "usersRemoveRoles":
        return mutate((u) => {
          const gone = new Set(v.roles as string[]);
          u.extraRoles = u.extraRoles.filter((r) => !gone.has(r));
          if (u.role && gone.has(u.role)) {
            if (!v.fallback) {
              return {
                removeRoles: {
                  __typename: "OperationError",
                  message: "Cannot remove the active role without a fallback",
                  name: "OperationError",
                },
              };
            }
            u.role = String(v.fallback);
          }
          return { removeRoles: userView(u) };
        });
      case "rolesList":
        return { roles };
      case "ssoConfigGet":
        return {
          admin: {
            ssoConfig: state.sso && { ...state.sso, uploader: { name: state.sso.uploader } },
          },
        };
      case "ssoConfigSet": {
        if (v.config === null) {
          state.sso = null;
          return { admin: { setSsoConfig: null } };
        }
        if (!String(v.config).includes("mappings")) {
          return { admin: { setSsoConfig: invalid("config", "SSO config has no mappings") } };
        }
        state.sso = { text: String(v.config), timestamp: "2026-04-01T00:00:00Z", uploader: "root" };
        return {
          admin: {
            setSsoConfig: { __typename: "SsoConfig", ...state.sso, uploader: { name: "root" } },
          },
        };
      }
      case "bucketTabulatorTableSet": {
        const tables = state.tables.get(String(v.bucketName));
        if (!tables) {
          return {
            admin: {
              bucketSetTabulatorTable: {
                __typename: "OperationError",
                message: "Bucket not found",
                name: "BucketNotFound",
              },
            },
          };
        }
        if (v.config === null) tables.delete(String(v.tableName));
        else tables.set(String(v.tableName), String(v.config));
        return { admin: { bucketSetTabulatorTable: { __typename: "BucketConfig" } } };
      }
      case "bucketTabulatorTableRename": {
        const tables = state.tables.get(String(v.bucketName));
        const config = tables?.get(String(v.tableName));
        if (!tables || config === undefined) {
          return { admin: { bucketRenameTabulatorTable: invalid("tableName", "Table not found") } };
        }
        tables.delete(String(v.tableName));
        tables.set(String(v.newTableName), config);
        return { admin: { bucketRenameTabulatorTable: { __typename: "BucketConfig" } } };
      }
      case "tabulatorGetOpenQuery":
        return { admin: { tabulatorOpenQuery: state.openQuery } };
      case "tabulatorSetOpenQuery":
        state.openQuery = v.enabled === true;
        return { admin: { setTabulatorOpenQuery: { tabulatorOpenQuery: state.openQuery } } };
      case "tabulatorBuckets":
        return {
          bucketConfigs: [...state.tables.entries()].map(([b, t]) => ({
            name: b,
            tabulatorTables: [...t.keys()].map((n) => ({ name: n })),
          })),
        };
      case "bucketTabulatorTablesList": {
        const t = state.tables.get(name);
        return {
          bucketConfig: t
            ? {
              name,
              tabulatorTables: [...t.entries()].map(([n, config]) => ({ name: n, config })),
            }
            : null,
        };
      }
    }
    return undefined;
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req): Promise<Response> => {
      const url = new URL(req.url);
      const auth = req.headers.get("authorization");
      const body = req.method === "POST" ? await req.json().catch(() => ({})) : {};
      const query = String(body.query ?? "");
      const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "";
      const caller = callerOf(auth);
      requests.push({
        path: `${req.method} ${url.pathname}`,
        operation,
        query,
        variables: body.variables ?? {},
        auth,
        caller,
      });
      if (url.pathname === "/config.json") {
        return Response.json({
          registryUrl: origin(),
          region: "us-east-1",
          ...(options.analyticsBucket ? { analyticsBucket: options.analyticsBucket } : {}),
        });
      }
      if (url.pathname !== "/graphql" || req.method !== "POST") {
        return new Response("not here", { status: 404 });
      }
      if (!caller || !options.callers.includes(caller)) {
        return new Response("unauthorized", { status: 401 });
      }
      if (ADMIN_OPERATIONS.has(operation) && !options.admins.includes(caller)) {
        return Response.json({ data: null, errors: [{ message: "Forbidden", path: ["admin"] }] });
      }
      const data = answer(operation, body.variables ?? {});
      if (data === undefined) {
        return Response.json({ errors: [{ message: `unknown operation ${operation}` }] });
      }
      return Response.json({ data });
    },
  );
  const origin = () => `http://127.0.0.1:${server.addr.port}`;
  return {
    url: origin(),
    requests,
    state,
    operations: (name) => requests.filter((r) => r.operation === name),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
