/** Seed helpers: buckets and objects in the emulator through the real AWS SDK. @module */
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Moto } from "./moto.ts";

/** An S3 client on the emulator with the admin test credentials. */
export function adminS3(moto: Moto): S3Client {
  return new S3Client(moto.clientConfig());
}

/** Creates a bucket (optionally versioned) and puts the given objects (key → body). */
export async function seedBucket(
  moto: Moto,
  bucket: string,
  objects: Record<string, string | Uint8Array> = {},
  options: { versioned?: boolean; contentType?: string } = {},
): Promise<void> {
  const s3 = adminS3(moto);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (options.versioned) {
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
    }
    for (const [key, body] of Object.entries(objects)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
        }),
      );
    }
  } finally {
    s3.destroy();
  }
}
