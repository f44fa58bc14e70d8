#!/usr/bin/env python3
"""Asserts that a peer's figures equal jianfu's metrics.json: integers exactly, ratios and
burden statistics to 1e-12.

    python bench/check_figures.py METRICS_JSON PEER_JSON [NAME]
"""
import json
import math
import sys

FIELDS = ["before", "after", "retained", "trimmed", "merged", "dissolved", "expired", "new",
          "closed", "members_removed"]
RATIOS = ["reduction_ratio", "closure_rate"]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def compare(path, want, got, errors):
    for f in FIELDS:
        if want.get(f) != got.get(f):
            errors.append(f"{path}.{f}: jianfu {want.get(f)!r}, peer {got.get(f)!r}")
    for f in RATIOS:
        if not close(want.get(f), got.get(f)):
            errors.append(f"{path}.{f}: jianfu {want.get(f)!r}, peer {got.get(f)!r}")


def main():
    metrics = json.load(open(sys.argv[1]))
    peer = json.load(open(sys.argv[2]))
    name = sys.argv[3] if len(sys.argv) > 3 else sys.argv[2]
    errors = []
    checked = 0
    for kind in ["groups", "accounts"]:
        want, got = metrics.get(kind), peer.get(kind)
        if (want is None) != (got is None):
            errors.append(f"{kind}: jianfu {want is None and 'null' or 'present'}, peer differs")
            continue
        if want is None:
            continue
        compare(kind, want, got, errors)
        checked += 1
        for dim in ["by_unit", "by_township", "by_level", "by_platform"]:
            w, g = want[dim], got[dim]
            if [r["key"] for r in w] != [r["key"] for r in g]:
                errors.append(f"{kind}.{dim}: keys differ ({len(w)} vs {len(g)} rows)")
                continue
            for rw, rg in zip(w, g):
                compare(f"{kind}.{dim}[{rw['key']}]", rw, rg, errors)
                checked += 1
    want, got = metrics.get("burden"), peer.get("burden")
    if (want is None) != (got is None):
        errors.append("burden: presence differs")
    elif want is not None:
        if want["cadres"] != got["cadres"]:
            errors.append(f"burden.cadres: {want['cadres']} vs {got['cadres']}")
        for side in ["before", "after"]:
            for f in ["max", "ge10"]:
                if want[side][f] != got[side][f]:
                    errors.append(f"burden.{side}.{f}: {want[side][f]} vs {got[side][f]}")
            for f in ["mean", "median", "p90"]:
                if not close(want[side][f], got[side][f]):
                    errors.append(f"burden.{side}.{f}: {want[side][f]!r} vs {got[side][f]!r}")
        checked += 1
    if errors:
        print(f"{name}: {len(errors)} difference(s) from jianfu's metrics.json:")
        for e in errors[:30]:
            print("  " + e)
        sys.exit(1)
    print(f"{name}: figures equal jianfu's metrics.json ({checked} rows of figures checked)")


if __name__ == "__main__":
    main()
