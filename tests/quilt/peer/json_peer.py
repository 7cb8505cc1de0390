"""Python's own json / urllib / re answers for the Deno tests (stdlib only, no quilt3).

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout
(ASCII-only, so lone surrogates and control characters travel as escapes).

Values travel in a typed form so Python can rebuild exactly what the Deno side means:
  ["null"] ["bool", b] ["int", "123"] ["float", "<16 hex digits of the IEEE-754 bits>"]
  ["num", "<JSON number text>"] ["str", [utf16 code units]] ["arr", [v...]]
  ["obj", [[[key code units], v], ...]]
"""

import json
import re
import struct
import sys

CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
MANIFEST = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
# quilt3.util.PACKAGE_NAME_FORMAT, copied so this peer needs no quilt3 import.
PACKAGE_NAME_FORMAT = r"^[\w-]+/[\w-]+$"


def units_to_str(units):
    raw = b"".join(struct.pack("<H", u) for u in units)
    return raw.decode("utf-16-le", "surrogatepass")


def build(t):
    kind = t[0]
    if kind == "null":
        return None
    if kind == "bool":
        return bool(t[1])
    if kind == "int":
        return int(t[1])
    if kind == "float":
        return struct.unpack(">d", bytes.fromhex(t[1]))[0]
    if kind == "num":
        return json.loads(t[1])
    if kind == "str":
        return units_to_str(t[1])
    if kind == "arr":
        return [build(x) for x in t[1]]
    if kind == "obj":
        return {units_to_str(k): build(v) for k, v in t[1]}
    raise ValueError(f"unknown kind {kind!r}")


def encode_both(value):
    out = {"canonical": CANONICAL(value)}
    try:
        text = MANIFEST(value)
        text.encode("utf-8")  # quilt3 writes UTF-8; lone surrogates fail here
        out["manifest"] = text
    except (ValueError, UnicodeEncodeError) as exc:
        out["manifest_error"] = type(exc).__name__
    return out


def segment_key(lk):
    return lk.split("/")


def handle(req):
    op = req["op"]
    if op == "encode":
        return encode_both(build(req["value"]))
    if op == "parse":
        try:
            value = json.loads(req["text"])
        except (ValueError, RecursionError) as exc:
            return {"parse_error": type(exc).__name__}
        return encode_both(value)
    if op == "float_repr":
        x = struct.unpack(">d", bytes.fromhex(req["bits"]))[0]
        return {"repr": json.dumps(x)}
    if op == "tree_order":
        # What Package.walk() yields: children sorted by name at every level, depth-first.
        keys = [units_to_str(k) for k in req["keys"]]
        return {"order": [keys.index(k) for k in sorted(keys, key=segment_key)]}
    if op == "sort_keys":
        keys = [units_to_str(k) for k in req["keys"]]
        return {"order": [keys.index(k) for k in sorted(keys)]}
    if op == "name_valid":
        return {"valid": re.match(PACKAGE_NAME_FORMAT, req["name"]) is not None}
    raise ValueError(f"unknown op {op!r}")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            res = handle(req)
        except Exception as exc:  # report, so the Deno side sees which request broke
            res = {"peer_error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(res, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
