"""quilt3 8.0.0 as the oracle of tests/tools/quilt_oracle_s3_test.ts, against S3 (the moto emulator).

Long-lived: reads one JSON request per line on stdin and answers each at once with one JSON line,
so the test interleaves server calls and quilt3 calls and pays Python's start-up once. boto3
reaches the emulator through AWS_ENDPOINT_URL; quilt3's console output goes to stderr.

Metadata travels as JSON *text* (json.loads), so 1.0, 1e-07 and big integers reach quilt3 exactly as
Python holds them. Failures come back as {"error_class": [class and bases], "error": message}.

Requests ("op"):
  push    {registry, name, message, meta_text?, workflow?, files: [{lk, url, meta_text?}],
           parent?: top_hash}
          -> {top_hash, header}   (Package.push of a new revision from S3 objects, nothing
             copied; with `parent` built on that revision as Package.browse loads it; `workflow`
             absent = quilt3's default, null = none)
  verify  {registry, name, top_hash} -> {top_hash, entries: [{lk, sha256}]}
          (Package.browse, then every file fetched and checked with quilt3's own verification)
"""

import contextlib
import hashlib
import json
import pathlib
import sys
import tempfile

import botocore.loaders
import quilt3.hooks
from quilt3.packages import Package

WORK = pathlib.Path(tempfile.mkdtemp(prefix="quilt3-oracle-peer-"))

# quilt3 builds several boto3 clients per push, each re-reading and decoding botocore's JSON
# model files (seconds per push on a busy machine). They are read-only data files: decode each
# once per process. This changes what the oracle costs, not what it answers.
_load_file = botocore.loaders.JSONFileLoader.load_file
_models = {}


def _cached_load_file(self, file_path):
    if file_path not in _models:
        _models[file_path] = _load_file(self, file_path)
    return _models[file_path]


botocore.loaders.JSONFileLoader.load_file = _cached_load_file


# quilt3's own extension point for building S3 clients (quilt3.hooks): reuse one client per kind
# (signed or unsigned) instead of building several per push. Same credentials, same endpoint,
# same configuration — again a cost, not a behaviour.
_clients = {}


def _reuse_client(build_client_base, session, client_kwargs, **kwargs):
    kind = str(client_kwargs["config"].signature_version)
    if kind not in _clients:
        _clients[kind] = build_client_base(session, client_kwargs, **kwargs)
    return _clients[kind]


quilt3.hooks.set_build_s3_client_hook(_reuse_client)


def error_of(exc):
    return {"error_class": [c.__name__ for c in type(exc).__mro__], "error": str(exc)}


def push(req):
    if req.get("parent"):
        pkg = Package.browse(req["name"], registry=req["registry"], top_hash=req["parent"])
    else:
        pkg = Package()
    for f in req.get("files", []):
        meta = json.loads(f["meta_text"]) if f.get("meta_text") is not None else None
        pkg.set(f["lk"], f["url"], meta=meta)
    if req.get("meta_text") is not None:
        pkg.set_meta(json.loads(req["meta_text"]))
    kwargs = {"workflow": req["workflow"]} if "workflow" in req else {}
    pushed = pkg.push(
        req["name"],
        registry=req["registry"],
        message=req.get("message"),
        force=True,
        # Keep every object where it is (the server never copies data either).
        selector_fn=lambda _lk, _entry: False,
        **kwargs,
    )
    return {"top_hash": pushed.top_hash, "header": json.dumps(pushed._meta)}


def verify(req):
    pkg = Package.browse(req["name"], registry=req["registry"], top_hash=req["top_hash"])
    dest = WORK / f"fetch-{len(list(WORK.iterdir()))}"
    pkg.fetch(str(dest) + "/")
    entries = []
    for lk, entry in pkg.walk():
        data = (dest / lk).read_bytes()
        entry._verify_hash(data)  # raises "Hash validation failed" on a wrong entry hash
        entries.append({"lk": lk, "sha256": hashlib.sha256(data).hexdigest()})
    return {"top_hash": pkg.top_hash, "entries": entries}


OPS = {"push": push, "verify": verify}


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            with contextlib.redirect_stdout(sys.stderr):
                answer = OPS[req["op"]](req)
        except Exception as exc:  # the test compares quilt3's refusals with the server's
            answer = error_of(exc)
        out.write(json.dumps(answer, ensure_ascii=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
