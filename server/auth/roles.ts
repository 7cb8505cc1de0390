/**
 * Which role a web request may assume. The candidates come only from verified claims (or the
 * configured default role); a client header may pick among them but never add one; the choice
 * must match the configured allow-list. A header alone never chooses a role (confused deputy).
 * @module
 */
import { RoleDeniedError } from "./errors.ts";

/** Header a client may send to choose among the roles its token grants. */
export const ROLE_SELECTION_HEADER = "x-quilt-role-arn";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/** Compiles the allow-list patterns: `*` matches any run of characters except `/` and `:`. */
export function compileAllowList(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) =>
    new RegExp(
      `^${p.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/:]*")}$`,
    )
  );
}

/** Inputs of a role decision. */
export interface RoleRequest {
  /** Value of the configured role claim in the verified token (string, array, or absent). */
  claimValue: unknown;
  /** The configured default role, used when the claim is absent. */
  defaultRoleArn: string | undefined;
  /** The client's selection header, if any. */
  headerValue: string | null;
  allowList: readonly RegExp[];
}

/** Decides the role ARN or throws RoleDeniedError naming the reason. */
export function resolveRole(r: RoleRequest): string {
  let granted: string[];
  if (r.claimValue === undefined || r.claimValue === null) {
    granted = r.defaultRoleArn ? [r.defaultRoleArn] : [];
  } else if (typeof r.claimValue === "string") {
    granted = [r.claimValue];
  } else if (Array.isArray(r.claimValue) && r.claimValue.every((v) => typeof v === "string")) {
    granted = r.claimValue as string[];
  } else {
    throw new RoleDeniedError(
      "role_not_allowed",
      "the token's role claim is not a role ARN or a list of them",
    );
  }
  if (granted.length === 0) {
    throw new RoleDeniedError(
      "role_not_allowed",
      "the token grants no role and no default role is configured",
    );
  }
  const malformed = granted.find((arn) => !ROLE_ARN.test(arn));
  if (malformed !== undefined) {
    throw new RoleDeniedError(
      "role_not_allowed",
      "the token's role claim holds a malformed role ARN",
    );
  }
  let chosen = granted[0];
  if (r.headerValue !== null) {
    const wanted = r.headerValue.trim();
    if (!granted.includes(wanted)) {
      throw new RoleDeniedError(
        "role_not_granted",
        "the role selected by the request header is not granted by the token",
      );
    }
    chosen = wanted;
  }
  if (!r.allowList.some((re) => re.test(chosen))) {
    throw new RoleDeniedError("role_not_allowed", "the role is not in this server's allow-list");
  }
  return chosen;
}
