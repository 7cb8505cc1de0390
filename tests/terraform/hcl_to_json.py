"""Prints the given Terraform files parsed by python-hcl2 (checkov's parser) as one JSON object."""
import json
import sys

import hcl2

out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        out[path] = hcl2.load(f)
json.dump(out, sys.stdout, default=str)
