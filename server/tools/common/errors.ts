/**
 * Tool errors the assistant can act on. AWS failures become one clear sentence: AccessDenied names
 * the action and the category whose policy grants it; missing buckets, keys and versions say so.
 * @module
 */

/** A failure reported to the client as a tool error (isError), never as a protocol crash. */
export class ToolError extends Error {
  /** Short machine-readable code (access_denied, not_found, invalid_input, conflict, ...). */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "ToolError";
    this.code = code;
  }
}

/** What the failed call was doing, for the error message. */
export interface AwsCallDescription {
  /** IAM action, e.g. s3:GetObject. */
  action: string;
  /** Category whose policy grants the action. */
  category: string;
  /** Human description of the target, e.g. s3://bucket/key. */
  target?: string;
}

const ACCESS_DENIED: ReadonlySet<string> = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "UnauthorizedOperation",
  "AuthorizationError",
]);
const NOT_FOUND: Record<string, string> = {
  NoSuchBucket: "the bucket does not exist",
  NoSuchKey: "the object does not exist",
  NotFound: "the object does not exist",
  NoSuchVersion: "that version of the object does not exist",
  EntityNotFoundException: "the Glue object does not exist",
};

/** Converts an AWS SDK error into a ToolError; anything unknown keeps only its class and message. */
export function mapAwsError(e: unknown, call: AwsCallDescription): ToolError {
  if (e instanceof ToolError) return e;
  const err = e as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    Code?: string;
  };
  const name = err?.Code ?? err?.name ?? "Error";
  const target = call.target ? ` on ${call.target}` : "";
  const status = err?.$metadata?.httpStatusCode;
  if (name === "CredentialsUnavailable") {
    return new ToolError(
      "credentials_unavailable",
      `AWS credentials for your role are unavailable: ${err.message}.`,
    );
  }
  if (ACCESS_DENIED.has(name) || status === 403) {
    return new ToolError(
      "access_denied",
      `Access denied: ${call.action}${target} is not allowed for this identity. It is granted by the '${call.category}' tool category policy (policies/${call.category}.json).`,
    );
  }
  if (name === "InvalidRequestException" || name === "ValidationException") {
    return new ToolError(
      "invalid_request",
      `AWS refused the request (${call.action}${target}): ${(err?.message ?? "").slice(0, 300)}`,
    );
  }
  if (NOT_FOUND[name] || status === 404) {
    return new ToolError(
      "not_found",
      `Not found: ${NOT_FOUND[name] ?? "the resource does not exist"}${target}.`,
    );
  }
  if (name === "ExpiredToken" || name === "ExpiredTokenException") {
    return new ToolError(
      "credentials_expired",
      "The AWS credentials of this session expired; retry the call.",
    );
  }
  if (name === "TimeoutError" || name === "AbortError") {
    return new ToolError("timeout", `AWS did not answer in time (${call.action}${target}).`);
  }
  if (
    e instanceof TypeError || name === "ECONNREFUSED" ||
    /ECONNREFUSED|connect/i.test(err?.message ?? "")
  ) {
    return new ToolError(
      "aws_unreachable",
      `AWS is unreachable (${call.action}${target}); try again shortly.`,
    );
  }
  return new ToolError(
    "aws_error",
    `${call.action}${target} failed: ${name}: ${(err?.message ?? "").slice(0, 300)}`,
  );
}
