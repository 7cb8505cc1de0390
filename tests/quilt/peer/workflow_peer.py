"""quilt3 8.0.0's workflow machinery as the reference of tests/quilt/workflow_rules_interop_test.ts.

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout. Every
request carries a batch of cases, so one Python process answers thousands of them.

  regex    {patterns, strings}        -> [{error} | {matches: [bool per string]}]   (re.search)
  schema   {cases: [{schema, instances}]} (JSON texts, read with json.loads)
                                      -> [{schema_error} | {results: [{valid, validator, path,
                                          message, all?}]}]   (Draft7Validator as quilt3 uses
                                          it; all: every error of iter_errors, at most 50)
  config   {texts, dir}               -> [{error_class, error} | {config}]  (WorkflowConfig.load)
  select   {text, dir, attempts: [{workflow?, name, message, meta}]}
                                      -> [{record} | {error_class, error}]
             (get_workflow_validator(workflow).validate(...); workflow absent = quilt3's `...`)
"""

import datetime
import json
import pathlib
import re
import sys

import jsonschema

from quilt3 import util, workflows


ALL_ERRORS = 50


def error_of(exc):
    return {"error_class": [c.__name__ for c in type(exc).__mro__], "error": str(exc)}


def regex(req):
    out = []
    for p in req["patterns"]:
        try:
            r = re.compile(p)
        except Exception as exc:  # re.error, OverflowError
            out.append({"error": f"{type(exc).__name__}: {exc}"})
            continue
        out.append({"matches": [bool(r.search(s)) for s in req["strings"]]})
    return out


def schema(req):
    out = []
    for case in req["cases"]:
        s = json.loads(case["schema"])
        try:
            jsonschema.Draft7Validator.check_schema(s)
        except jsonschema.SchemaError as exc:
            out.append({"schema_error": exc.message})
            continue
        except Exception as exc:
            out.append({"schema_crash": f"{type(exc).__name__}: {exc}"})
            continue
        v = jsonschema.Draft7Validator(s)
        results = []
        for text in case["instances"]:
            instance = json.loads(text)
            try:
                err = next(v.iter_errors(instance), None)
            except Exception as exc:
                results.append({"crash": f"{type(exc).__name__}: {exc}"})
                continue
            if err is None:
                results.append({"valid": True})
                continue
            result = {
                "valid": False,
                "validator": err.validator,
                "path": list(err.absolute_path),
                "message": err.message,
            }
            # Every error iter_errors yields (at most ALL_ERRORS), unless evaluating a later one
            # raises: then only the first is compared.
            try:
                result["all"] = [
                    {"validator": e.validator, "path": list(e.absolute_path), "message": e.message}
                    for e, _ in zip(v.iter_errors(instance), range(ALL_ERRORS))
                ]
            except Exception:
                pass
            results.append(result)
        out.append({"results": results})
    return out


def plain(v):
    """The loaded configuration as JSON; Python values JSON lacks keep their repr."""
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v):
            return {"__non_str_keys__": repr(sorted(map(repr, v)))}
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime, bytes)):
        return {"__repr__": "other"}
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return {"__float__": repr(v)}
    return v


def load_config(text, directory, n):
    path = pathlib.Path(directory, f"config-{n}.yml")
    path.write_bytes(text.encode("utf-8"))
    return workflows.WorkflowConfig.load(util.PhysicalKey.from_path(str(path)))


def config(req):
    out = []
    for n, text in enumerate(req["texts"]):
        try:
            conf = load_config(text, req["dir"], n)
        except Exception as exc:
            out.append(error_of(exc))
            continue
        out.append({"config": plain(conf.config) if conf is not None else None})
    return out


class _Pkg:
    """What WorkflowValidator.validate reads from a package: its metadata and walk()."""

    def __init__(self, meta):
        self.meta = meta

    def walk(self):
        return iter(())


def select(req):
    out = []
    try:
        conf = load_config(req["text"], req["dir"], "select")
    except Exception as exc:
        return [error_of(exc) for _ in req["attempts"]]
    for a in req["attempts"]:
        workflow = a["workflow"] if "workflow" in a else ...
        try:
            v = conf.get_workflow_validator(workflow)
            record = v.validate(name=a["name"], pkg=_Pkg(json.loads(a["meta"])), message=a["message"])
            out.append({"record": record})
        except Exception as exc:
            out.append(error_of(exc))
    return out


OPS = {"regex": regex, "schema": schema, "config": config, "select": select}


def main():
    answers = sys.stdout
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            res = OPS[req["op"]](req)
        except Exception as exc:
            res = {"peer_error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(res, ensure_ascii=True) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
