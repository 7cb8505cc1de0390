"""Measured manifest loads by quilt3 (the reference peer) in a fresh process.

Reads the manifest with quilt3's own Package.load and computes Package.top_hash — the same work
bench/manifest_worker.ts does with server/quilt — four times: cold (the first; memory measured
after it) and warm (the mean of loads 3 and 4). Prints one JSON line: times, the top hash and memory (resident set before the
work and the process's peak after the first load).

Usage: python bench/quilt3_manifest.py <manifest path>
"""

import json
import re
import sys
import time

from quilt3.packages import Package


def status_kib(field):
    with open("/proc/self/status") as f:
        m = re.search(rf"^{field}:\s+(\d+)\s+kB", f.read(), re.M)
    return int(m.group(1)) if m else None


def load(path):
    c0 = time.process_time()
    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        pkg = Package.load(f)
    t1 = time.perf_counter()
    top_hash = pkg.top_hash
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    times = {
        "parseMs": (t1 - t0) * 1000,
        "hashMs": (t2 - t1) * 1000,
        "totalMs": (t2 - t0) * 1000,
        "cpuMs": cpu * 1000,
    }
    return pkg, top_hash, times


def main():
    path = sys.argv[1]
    rss_before = status_kib("VmRSS")
    pkg, top_hash, cold = load(path)
    # VmHWM, not ru_maxrss: ru_maxrss survives execve and may report the parent's peak.
    peak = status_kib("VmHWM")
    entries = sum(1 for _ in pkg.walk())
    del pkg
    later = [load(path) for _ in range(3)]
    warm = {k: (later[1][2][k] + later[2][2][k]) / 2 for k in cold}
    print(json.dumps({
        "entries": entries,
        "topHash": top_hash,
        "sameHashWarm": all(h == top_hash for _, h, _ in later),
        "cold": cold,
        "warm": warm,
        "rssBeforeKiB": rss_before,
        "peakKiB": peak,
    }))


if __name__ == "__main__":
    main()
