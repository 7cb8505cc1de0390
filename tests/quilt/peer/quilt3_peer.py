"""quilt3 8.0.0 as the real peer of the Deno tests, offline, with local (file://) registries.

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout.
Metadata travels as JSON *text* and is read with json.loads, so floats such as 1.0 and 1e-07
and big integers reach quilt3 exactly as Python would hold them.
"""

import hashlib
import io
import json
import os
import pathlib
import sys

import quilt3
from quilt3 import checksums, util
from quilt3.backends import get_package_registry
from quilt3.data_transfer import FileChecksumTask, calculate_multipart_checksum
from quilt3.packages import Package, PackageEntry
from quilt3.util import PhysicalKey, QuiltException


def registry_url(path):
    return pathlib.Path(path).as_uri()


def dump_text(pkg):
    buf = io.BytesIO()
    pkg.dump(buf)
    return buf.getvalue().decode("utf-8")


def build(req):
    pkg = Package()
    for e in req["entries"]:
        lk = e["logical_key"]
        meta = json.loads(e["meta"]) if e.get("meta") is not None else None
        if e.get("legacy_sha256"):
            data = pathlib.Path(e["file"]).read_bytes()
            entry = PackageEntry(
                PhysicalKey.from_path(e["file"]),
                len(data),
                {"type": "SHA256", "value": hashlib.sha256(data).hexdigest()},
                None if meta is None else {"user_meta": meta},
            )
            pkg.set(lk, entry)
        else:
            pkg.set(lk, e["file"], meta=meta)
    for d in req.get("dir_meta", []):
        pkg._ensure_subpackage(d["dir"].split("/")).set_meta(json.loads(d["meta"]))
    if req.get("user_meta") is not None:
        pkg.set_meta(json.loads(req["user_meta"]))
    top_hash = pkg.build(req["name"], registry=registry_url(req["registry"]), message=req.get("message"))
    manifest = pathlib.Path(req["registry"], ".quilt", "packages", top_hash)
    return {
        "top_hash": top_hash,
        "manifest_path": str(manifest),
        "walk": [lk for lk, _ in pkg.walk()],
    }


def verify_entries(pkg):
    bad = []
    for lk, entry in pkg.walk():
        try:
            entry._verify_hash(entry.get_bytes(use_cache_if_available=False))
        except QuiltException as exc:
            bad.append(f"{lk}: {exc}")
    return bad


def browse(req):
    pkg = Package.browse(req["name"], registry=registry_url(req["registry"]), top_hash=req.get("top_hash"))
    return {
        "top_hash": pkg.top_hash,
        "walk": [lk for lk, _ in pkg.walk()],
        "hash_failures": verify_entries(pkg) if req.get("verify") else [],
        "dump": dump_text(pkg),
        "user_meta_repr": repr(pkg.meta),
    }


def load(req):
    with open(req["path"], encoding="utf-8") as f:
        try:
            pkg = Package.load(f)
        except Exception as exc:
            return {"load_error": f"{type(exc).__name__}: {exc}"}
    try:
        top_hash = pkg.top_hash
    except Exception as exc:
        return {"load_error": f"{type(exc).__name__}: {exc}"}
    out = {"top_hash": top_hash, "walk": [lk for lk, _ in pkg.walk()]}
    try:
        out["dump"] = dump_text(pkg)
    except Exception as exc:
        out["dump_error"] = f"{type(exc).__name__}: {exc}"
    return out


def hash_file(req):
    path = req["path"]
    size = os.path.getsize(path)
    data = pathlib.Path(path).read_bytes()
    in_memory = checksums.calculate_multipart_checksum_bytes(data, checksum_type=checksums.SHA256_CHUNKED_HASH_NAME)
    [streamed] = calculate_multipart_checksum(
        [FileChecksumTask.create(PhysicalKey.from_path(path), size, checksums.SHA256_CHUNKED_HASH_NAME)]
    )
    if isinstance(streamed, Exception):
        raise streamed
    return {
        "chunked": in_memory,
        "streamed": streamed,
        "legacy": checksums.legacy_calculate_checksum_bytes(data),
        "chunksize": checksums.get_checksum_chunksize(size),
    }


def physical_key(req):
    try:
        pk = PhysicalKey.from_url(req["url"])
    except Exception as exc:
        return {"error": type(exc).__name__}
    try:
        text = str(pk)
    except Exception as exc:
        return {"error": type(exc).__name__}
    out = {"str": text, "bucket": pk.bucket, "path": pk.path, "version_id": pk.version_id}
    return out


def format_key(req):
    try:
        return {"str": str(PhysicalKey(req["bucket"], req["key"], req.get("version_id")))}
    except Exception as exc:
        return {"error": type(exc).__name__}


def pointers(reg, name):
    d = pathlib.Path(reg, ".quilt", "named_packages", name)
    if not d.exists():
        return {}
    return {p.name: p.read_text() for p in d.iterdir()}


def delete_version(req):
    reg = req["registry"]
    d = pathlib.Path(reg, ".quilt", "named_packages", req["name"])
    d.mkdir(parents=True, exist_ok=True)
    for name, top_hash in req["pointers"].items():
        (d / name).write_text(top_hash)
    registry = get_package_registry(registry_url(reg))
    try:
        registry.delete_package_version(req["name"], req["top_hash"])
    except QuiltException as exc:
        return {"error": str(exc), "pointers": pointers(reg, req["name"])}
    return {"pointers": pointers(reg, req["name"])}


def resolve_hash(req):
    reg = req["registry"]
    d = pathlib.Path(reg, ".quilt", "packages")
    d.mkdir(parents=True, exist_ok=True)
    for h in req["manifests"]:
        (d / h).write_text("")
    registry = get_package_registry(registry_url(reg))
    out = {}
    try:
        out["resolved"] = registry.resolve_top_hash(req["name"], req["prefix"])
    except QuiltException as exc:
        out["error"] = str(exc)
    if req.get("shorten"):
        out["short"] = registry.shorten_top_hash(req["name"], req["shorten"])
    return out


def handle(req):
    op = req["op"]
    if op == "build":
        return build(req)
    if op == "browse":
        return browse(req)
    if op == "load":
        return load(req)
    if op == "hash_file":
        return hash_file(req)
    if op == "chunksize":
        return {"chunksize": checksums.get_checksum_chunksize(req["size"])}
    if op == "s3_simple":
        return {"value": checksums._simple_s3_to_quilt_checksum(req["checksum"])}
    if op == "physical_key":
        return physical_key(req)
    if op == "format_key":
        return format_key(req)
    if op == "name_valid":
        try:
            util.validate_package_name(req["name"])
            return {"valid": True}
        except QuiltException:
            return {"valid": False}
    if op == "delete_version":
        return delete_version(req)
    if op == "resolve_hash":
        return resolve_hash(req)
    if op == "version":
        return {"version": quilt3.__version__}
    raise ValueError(f"unknown op {op!r}")


def main():
    # Answers go to the real stdout; anything quilt3 prints goes to stderr instead.
    answers = sys.stdout
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            res = handle(req)
        except Exception as exc:
            res = {"peer_error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(res, ensure_ascii=True) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
