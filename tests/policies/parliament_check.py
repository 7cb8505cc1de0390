"""Runs parliament (the IAM policy linter from PyPI) over rendered policies.

Usage: python parliament_check.py FILE...   (each FILE one rendered policy document)
Prints one JSON object: {FILE: [{"issue", "severity", "detail", "location"}, ...]}. Community
auditors are included; every finding is reported, whatever its severity, so the Deno test can
compare the full list with its allow-list of explained findings.
"""

import json
import sys
from pathlib import Path

import parliament
from parliament import analyze_policy_string, enhance_finding, override_config


def main(paths: list[str]) -> None:
    # The community auditors' finding types are declared in their own override file (as the CLI does).
    override_config(str(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"))
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            policy = analyze_policy_string(f.read(), filepath=path, include_community_auditors=True)
        findings = []
        for finding in policy.findings:
            finding = enhance_finding(finding)
            findings.append(
                {
                    "issue": finding.issue,
                    "severity": finding.severity,
                    "detail": json.loads(json.dumps(finding.detail, default=str)),
                    "location": json.loads(json.dumps(finding.location, default=str)),
                }
            )
        out[path] = findings
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
