/** Error classes of the Quilt package-format library. @module */

/** Base class of every error this library throws on bad input. */
export class QuiltFormatError extends Error {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "QuiltFormatError";
  }
}

/** JSON text that Python's `json.loads` would also reject (with the offset of the problem). */
export class JsonSyntaxError extends QuiltFormatError {
  /** Offset (UTF-16 code units) in the text where parsing failed. */
  readonly offset: number;
  /** Creates the error; the message names the offending input. */
  constructor(message: string, offset: number) {
    super(`invalid JSON at offset ${offset}: ${message}`);
    this.name = "JsonSyntaxError";
    this.offset = offset;
  }
}

/** A value that cannot be encoded the way quilt3 encodes it (NaN in a manifest, lone surrogate, ...). */
export class JsonEncodeError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "JsonEncodeError";
  }
}

/** A manifest line that is not a valid package header, entry or directory-metadata record. */
export class ManifestError extends QuiltFormatError {
  /** 1-based line number in the manifest, when known. */
  readonly line: number | undefined;
  /** Creates the error; the message names the offending input. */
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `manifest line ${line}: ${message}`);
    this.name = "ManifestError";
    this.line = line;
  }
}

/** A manifest record whose UTF-8 encoding exceeds the record size limit quilt3 enforces. */
export class RecordTooLargeError extends ManifestError {
  /** Encoded size of the record in bytes. */
  readonly size: number;
  /** The limit in bytes. */
  readonly limit: number;
  /** Creates the error; the message names the offending input. */
  constructor(what: string, size: number, limit: number) {
    super(`${what} is ${size} bytes when encoded, but must be at most ${limit} bytes`);
    this.name = "RecordTooLargeError";
    this.size = size;
    this.limit = limit;
  }
}

/** A logical key (path inside a package) that is empty or has empty, `.` or `..` segments. */
export class LogicalKeyError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "LogicalKeyError";
  }
}

/** A physical key that is not an `s3://bucket/key[?versionId=...]` (or `file://`) URL. */
export class PhysicalKeyError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "PhysicalKeyError";
  }
}

/** A package name that is not `namespace/name` with quilt3's allowed characters. */
export class PackageNameError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(name: string) {
    super(
      `invalid package name ${
        JSON.stringify(name)
      }: expected "namespace/name" (letters, digits, "_" and "-", exactly one "/")`,
    );
    this.name = "PackageNameError";
  }
}

/** A top hash or short hash that is malformed, unknown or ambiguous. */
export class TopHashError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "TopHashError";
  }
}

/** An S3 bucket name that breaks the S3 naming rules. */
export class BucketNameError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(bucket: string, reason: string) {
    super(`invalid bucket name ${JSON.stringify(bucket)}: ${reason}`);
    this.name = "BucketNameError";
  }
}

/** A malformed `quilt+s3://` URI. */
export class QuiltUriError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(`invalid Quilt+ URI: ${message}`);
    this.name = "QuiltUriError";
  }
}

/** A malformed catalog host or catalog URL input. */
export class CatalogUrlError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "CatalogUrlError";
  }
}

/** A pagination cursor that is malformed or belongs to a different listing. */
export class CursorError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "CursorError";
  }
}

/** Bytes fed to an entry hasher that disagree with the size it was created for. */
export class HashInputError extends QuiltFormatError {
  /** Creates the error; the message names the offending input. */
  constructor(message: string) {
    super(message);
    this.name = "HashInputError";
  }
}

/** A path that names neither a file nor a directory of the package. */
export class PackagePathNotFoundError extends QuiltFormatError {
  /** The path that was asked for. */
  readonly path: string;
  /** Creates the error; the message names the offending input. */
  constructor(path: string) {
    super(`no file or directory ${JSON.stringify(path)} in this package revision`);
    this.name = "PackagePathNotFoundError";
    this.path = path;
  }
}
