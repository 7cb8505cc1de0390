"""quilt3 8.0.0 as the real peer of the package-tool tests, against S3 (the moto emulator).

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout. boto3 reaches
the emulator through AWS_ENDPOINT_URL. quilt3's own console output goes to stderr so stdout only
carries answers. Metadata travels as JSON *text* (json.loads), so floats such as 1.0 and 1e-07 reach
quilt3 exactly as Python holds them, and comes back as json.dumps text.

Requests ("op"):
  push    {registry, name, message, meta_json?, files: [{lk, text | b64 | seeded: [size, seed],
           meta_json?}], force?}                              -> {top_hash}
  browse  {registry, name, top_hash?, fetch?}                 -> {top_hash, meta_json, message,
           entries: [{lk, size, hash, physical_key, meta_json, sha256?, verified?}]}
           (fetch: Package.fetch downloads the objects; each file's bytes are checked against
           its entry hash with quilt3's own verification)
  update  {registry, name, top_hash?, message, meta_json?, set?: [file], remove?: [lk]}
                                                              -> {top_hash} | {conflict: text}
"""

import base64
import contextlib
import hashlib
import json
import os
import pathlib
import random
import sys
import tempfile
import traceback

import botocore.client
import quilt3
from quilt3.util import QuiltConflictException

WORK = pathlib.Path(tempfile.mkdtemp(prefix="quilt3-s3-peer-"))

_make_api_call = botocore.client.BaseClient._make_api_call


def _complete_with_checksum(self, operation_name, api_params):
    """moto 5.2.5 leaves ChecksumSHA256 out of the CompleteMultipartUpload answer, which quilt3
    reads for files over 8 MiB. Real S3 answers the composite checksum: base64(SHA-256 of the
    parts' binary SHA-256 digests) + "-<parts>". Fill in exactly that from the request's parts."""
    response = _make_api_call(self, operation_name, api_params)
    if operation_name == "CompleteMultipartUpload" and "ChecksumSHA256" not in response:
        parts = api_params["MultipartUpload"]["Parts"]
        digest = hashlib.sha256(b"".join(base64.b64decode(p["ChecksumSHA256"]) for p in parts))
        response["ChecksumSHA256"] = f"{base64.b64encode(digest.digest()).decode()}-{len(parts)}"
    return response


botocore.client.BaseClient._make_api_call = _complete_with_checksum


def seeded_bytes(size, seed):
    rng = random.Random(seed)
    return rng.randbytes(size)


def file_bytes(f):
    if "text" in f:
        return f["text"].encode("utf-8")
    if "b64" in f:
        return base64.b64decode(f["b64"])
    size, seed = f["seeded"]
    return seeded_bytes(size, seed)


def add_files(pkg, files):
    for i, f in enumerate(files):
        path = WORK / f"src-{os.getpid()}-{id(pkg)}-{i}"
        path.write_bytes(file_bytes(f))
        meta = json.loads(f["meta_json"]) if f.get("meta_json") is not None else None
        pkg.set(f["lk"], str(path), meta=meta)


def push(req):
    pkg = quilt3.Package()
    add_files(pkg, req["files"])
    if req.get("meta_json") is not None:
        pkg.set_meta(json.loads(req["meta_json"]))
    pushed = pkg.push(
        req["name"],
        registry=req["registry"],
        message=req.get("message"),
        force=req.get("force", True),
    )
    return {"top_hash": pushed.top_hash}


def browse(req):
    pkg = quilt3.Package.browse(req["name"], registry=req["registry"], top_hash=req.get("top_hash"))
    dest = None
    if req.get("fetch"):
        # quilt3 downloads every object of the package, as a user would.
        dest = WORK / f"fetch-{len(list(WORK.iterdir()))}"
        pkg.fetch(str(dest) + "/")
    entries = []
    for lk, entry in pkg.walk():
        out = {
            "lk": lk,
            "size": entry.size,
            "hash": entry.hash,
            "physical_key": str(entry.physical_key),
            "meta_json": json.dumps(entry._meta),  # the stored entry meta (user_meta inside)
        }
        if dest is not None:
            data = (dest / lk).read_bytes()
            entry._verify_hash(data)  # raises when the hash does not describe the fetched bytes
            out["sha256"] = hashlib.sha256(data).hexdigest()
            out["verified"] = True
        entries.append(out)
    return {
        # Recomputed by quilt3 from the loaded contents, not read from the pointer.
        "top_hash": pkg.top_hash,
        "meta_json": json.dumps(pkg.meta),
        "message": pkg._meta.get("message"),
        "entries": entries,
    }


def update(req):
    pkg = quilt3.Package.browse(req["name"], registry=req["registry"], top_hash=req.get("top_hash"))
    for lk in req.get("remove", []):
        pkg.delete(lk)
    add_files(pkg, req.get("set", []))
    if req.get("meta_json") is not None:
        pkg.set_meta(json.loads(req["meta_json"]))
    try:
        # Only the new local files are uploaded; entries already in S3 keep their physical keys
        # (as in the catalog's "push without copying").
        pushed = pkg.push(
            req["name"],
            registry=req["registry"],
            message=req.get("message"),
            selector_fn=lambda _lk, entry: entry.physical_key.is_local(),
        )
    except QuiltConflictException as e:
        return {"conflict": str(e)}
    return {"top_hash": pushed.top_hash}


OPS = {"push": push, "browse": browse, "update": update}


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            with contextlib.redirect_stdout(sys.stderr):
                answer = OPS[req["op"]](req)
        except Exception as e:  # reported to the test, which fails with the traceback
            traceback.print_exc()
            answer = {"peer_error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer, ensure_ascii=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
