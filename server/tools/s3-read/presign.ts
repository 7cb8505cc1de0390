/**
 * Presigned GET links. A presigned URL carries the signer's credentials: signed with temporary
 * (per-user STS) credentials it stops working when that session expires, whatever expiry was
 * asked for. The effective expiry is therefore the earlier of the two, and the answer says so.
 * @module
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ObjectRef } from "./s3_object.ts";

/** When a link stops working, and why. */
export interface LinkExpiry {
  /** Seconds the URL is signed for (what S3 checks in X-Amz-Expires). */
  readonly signedSeconds: number;
  /** Seconds until the link stops working (≤ signedSeconds). */
  readonly effectiveSeconds: number;
  readonly expiresAt: Date;
  /** `request`: the requested expiry; `credentials`: the signing session ends first. */
  readonly boundedBy: "request" | "credentials";
}

/**
 * The expiry of a link requested for `requested` seconds at `now`, signed with credentials that
 * expire at `credentialExpiry` (undefined = long-lived keys). Pure.
 */
export function linkExpiry(
  requested: number,
  options: { now: Date; credentialExpiry?: Date },
): LinkExpiry {
  const requestedEnd = options.now.getTime() + requested * 1000;
  const credEnd = options.credentialExpiry?.getTime();
  if (credEnd !== undefined && credEnd < requestedEnd) {
    const effective = Math.max(0, Math.floor((credEnd - options.now.getTime()) / 1000));
    return {
      signedSeconds: requested,
      effectiveSeconds: effective,
      expiresAt: new Date(credEnd),
      boundedBy: "credentials",
    };
  }
  return {
    signedSeconds: requested,
    effectiveSeconds: requested,
    expiresAt: new Date(requestedEnd),
    boundedBy: "request",
  };
}

/** Presigns a GET of `ref` for `seconds` with the client's own credentials. */
export function presignGet(s3: S3Client, ref: ObjectRef, seconds: number): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.version_id }),
    { expiresIn: seconds },
  );
}
