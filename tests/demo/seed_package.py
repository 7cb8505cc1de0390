"""Pushes the demo's Quilt package into the emulator with the official quilt3 client.

Usage: seed_package.py <bucket> <package-name>   (AWS_ENDPOINT_URL etc. point boto3 at the emulator)
Prints the pushed top hash as JSON on stdout.
"""

import json
import os
import sys
import tempfile

import quilt3


def main() -> None:
    bucket, name = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "README.md": "# Cell painting pilot\n\nA small demo package.\n",
            "data/plate-01.csv": "well,cells\nA01,1203\nA02,987\n",
            "data/plate-02.csv": "well,cells\nA01,1111\nA02,1002\n",
            "images/thumbnail.txt": "not really an image\n",
        }
        pkg = quilt3.Package()
        for logical_key, text in files.items():
            path = os.path.join(tmp, logical_key.replace("/", "_"))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            pkg.set(logical_key, path)
        pkg.set_meta({"study": "pilot", "instrument": "Opera Phenix", "plates": 2, "confluence": 0.85})
        pushed = pkg.push(name, registry=f"s3://{bucket}", message="Initial demo revision", force=True)
        print(json.dumps({"top_hash": pushed.top_hash}))


if __name__ == "__main__":
    main()
