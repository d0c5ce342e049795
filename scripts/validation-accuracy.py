#!/usr/bin/env python3
"""Validation accuracy of each arm at given training times: the split a benchmark may be tuned on.

usage: scripts/validation-accuracy.py RESULTS_DIR [SECONDS ...]   (default: the header's accuracyAt times)

Prints, per arm, the median over seeds (with the smallest and largest seed) of the validation accuracy at the last
evaluation at or before each time, and of the best validation accuracy of the run. Test accuracy is not read, so
that choosing a setting with this script leaves the test split for the report.
"""
import json
import statistics
import sys


def at(evaluations, seconds):
    """Validation accuracy of the last evaluation scheduled at or before `seconds`."""
    before = [e for e in evaluations if e["scheduledSeconds"] <= seconds + 1e-9]
    return before[-1]["validationAccuracy"]


def cell(values):
    values = sorted(values)
    return f"{100 * statistics.median(values):.2f}% [{100 * values[0]:.2f}, {100 * values[-1]:.2f}]"


def main(args):
    if not args:
        sys.exit(__doc__)
    with open(f"{args[0]}/runs.jsonl") as lines:
        header, *runs = [json.loads(line) for line in lines if line.strip()]
    times = [float(t) for t in args[1:]] or header["accuracyAt"]
    print("| arm | seeds | " + " | ".join(f"{t:g} s" for t in times) + " | best |")
    print("|---" * (len(times) + 3) + "|")
    for arm in header["arms"]:
        mine = [r for r in runs if r["arm"] == arm]
        if not mine:
            continue
        cells = [cell([at(r["evaluations"], t) for r in mine]) for t in times]
        best = cell([max(e["validationAccuracy"] for e in r["evaluations"]) for r in mine])
        print(f"| {arm} | {len(mine)} | " + " | ".join(cells) + f" | {best} |")


if __name__ == "__main__":
    main(sys.argv[1:])
