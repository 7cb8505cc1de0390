/**
 * Input schemas shared by the package, search and catalog tools, and the translation of Quilt
 * format errors (server/quilt) into tool errors an assistant can act on.
 * @module
 */
import * as z from "zod";
import {
  CursorError,
  isValidPackageName,
  JsonEncodeError,
  LogicalKeyError,
  ManifestError,
  PackageNameError,
  PackagePathNotFoundError,
  PhysicalKeyError,
  QuiltFormatError,
  RecordTooLargeError,
  TopHashError,
} from "../../quilt/mod.ts";
import { ToolError } from "./errors.ts";

/** A Quilt package name `namespace/name` (letters, digits, `_`, `-`; exactly one slash). */
export const packageName = z.string()
  .min(3).max(256)
  .refine(isValidPackageName, 'not a valid package name: expected "namespace/name"')
  .describe('Package name "namespace/name"');

/** A full (64 hex) or short (at least 6 hex) top hash. */
export const topHashInput = z.string()
  .min(6).max(64)
  .regex(/^[0-9a-fA-F]+$/, "a top hash is 6 to 64 hexadecimal digits")
  .describe("Top hash of a revision: all 64 hex digits or a unique prefix of at least 6");

/** A full 64-hex top hash. */
export const fullTopHash = z.string()
  .regex(/^[0-9a-fA-F]{64}$/, "expected the full top hash (64 hexadecimal digits)")
  .describe("Full top hash (64 hex digits)");

/** Page size of package listings. */
export const pageLimit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`Items per page, 1–${max}`);

/** An opaque pagination cursor from a previous answer. */
export const cursorInput = z.string().min(1).max(4096).describe(
  "next_cursor from the previous page of the same listing",
);

/** A logical key (path of a file inside a package). */
export const logicalKeyInput = z.string().min(1).max(1024).describe(
  "Path of a file inside the package, e.g. data/file.csv",
);

/** Turns a Quilt format error into a clear ToolError; anything else is rethrown unchanged. */
export function quiltError(e: unknown, what?: string): never {
  if (e instanceof ToolError) throw e;
  const prefix = what ? `${what}: ` : "";
  if (e instanceof PackagePathNotFoundError) {
    throw new ToolError("not_found", `${prefix}${e.message}.`);
  }
  if (e instanceof CursorError) throw new ToolError("invalid_cursor", `${prefix}${e.message}.`);
  if (e instanceof TopHashError) throw new ToolError("invalid_revision", `${prefix}${e.message}.`);
  if (e instanceof PackageNameError) throw new ToolError("invalid_input", `${prefix}${e.message}.`);
  if (e instanceof RecordTooLargeError) {
    throw new ToolError("too_large", `${prefix}${e.message} (quilt3's manifest record limit).`);
  }
  if (e instanceof LogicalKeyError || e instanceof PhysicalKeyError) {
    throw new ToolError("invalid_input", `${prefix}${e.message}.`);
  }
  if (e instanceof JsonEncodeError) throw new ToolError("invalid_input", `${prefix}${e.message}.`);
  if (e instanceof ManifestError) {
    throw new ToolError("invalid_manifest", `${prefix}${e.message}.`);
  }
  if (e instanceof QuiltFormatError) throw new ToolError("invalid_input", `${prefix}${e.message}.`);
  if (e instanceof RangeError) throw new ToolError("invalid_input", `${prefix}${e.message}.`);
  throw e;
}

/** Runs `fn`, translating Quilt format errors (see {@link quiltError}). */
export async function quilt<T>(fn: () => T | Promise<T>, what?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    quiltError(e, what);
  }
}
