#!/usr/bin/env python3
"""PYPOWER's rundcpf on a MATPOWER case, timed: the baseline of `gridtrade-bench powerflow`.

PYPOWER's loadcase reads .py and .mat cases only, so the .m file's numeric matrices are read
here (`load_m`) and handed to loadcase as a dict, once; only rundcpf is timed.
Prints JSON: {"case", "repeat", "median_s", "min_s", "buses", "branches"}.
Also imported by Tests/python/test_power_flow.py for `load_m`.
"""

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

FIELDS = ("bus", "gen", "branch")


def _matrix(text: str, field: str) -> np.ndarray:
    match = re.search(r"mpc\.%s\s*=\s*\[" % field, text)
    if not match:
        raise ValueError(f"no mpc.{field}")
    body = text[match.end():text.index("]", match.end())]
    rows = []
    for line in body.replace("...\n", " ").splitlines():
        line = line.split("%", 1)[0]
        for row in line.split(";"):
            values = row.replace(",", " ").split()
            if values:
                rows.append([float(v) for v in values])
    return np.array(rows, dtype=float)


def load_m(path) -> dict:
    """The baseMVA, bus, gen and branch of a MATPOWER .m case as a PYPOWER case dict."""
    text = Path(path).read_text()
    base = re.search(r"mpc\.baseMVA\s*=\s*([^;\n%]+)", text)
    if not base:
        raise ValueError("no mpc.baseMVA")
    case = {"version": "2", "baseMVA": float(base.group(1))}
    for field in FIELDS:
        case[field] = _matrix(text, field)
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from pypower.api import loadcase, ppoption, rundcpf

    ppc = loadcase(load_m(args.case))
    options = ppoption(VERBOSE=0, OUT_ALL=0)
    rundcpf(ppc, options)  # warm-up: imports and caches
    times = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        results, success = rundcpf(ppc, options)
        times.append(time.perf_counter() - started)
        if not success:
            print(json.dumps({"error": "rundcpf did not succeed"}))
            return 1
    print(json.dumps({
        "case": args.case, "repeat": len(times), "median_s": statistics.median(times), "min_s": min(times),
        "buses": int(ppc["bus"].shape[0]), "branches": int(ppc["branch"].shape[0]),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
