#!/usr/bin/env python3
"""Copies each benchmark configuration's generated summary.md (and the profile's profile.md, the Spark throughput)
into README.md and docs/distributed.md, so no table there is typed by hand.

Each file marks each place as
    <!-- summary: docs/benchmark/mlp-mxnet-clean -->   (a folder: its summary.md)
    <!-- summary: docs/performance/profile.md -->       (a Markdown file)
    ...replaced...
    <!-- end summary -->
Run from the repository root after a benchmark finished or was resumed: python3 scripts/readme-benchmarks.py
"""
import pathlib
import re
import sys

pattern = re.compile(r"(<!-- summary: (\S+) -->\n)(.*?)(<!-- end summary -->)", re.S)


def splice(match):
    path = pathlib.Path(match.group(2))
    summary = path if path.suffix == ".md" else path / "summary.md"
    if not summary.is_file():
        print(f"{summary} is missing: marked as not run yet", file=sys.stderr)
        return match.group(1) + "_Not run yet: its command starts it, and resumes it when stopped._\n" + match.group(4)
    body = summary.read_text(encoding="utf-8")
    # The summary's own title is replaced by the README's heading; tables become one level deeper.
    body = re.sub(r"\A# .*\n\n", "", body)
    return match.group(1) + body.rstrip("\n") + "\n" + match.group(4)


total = 0
for target in (pathlib.Path("README.md"), pathlib.Path("docs/distributed.md")):
    new, count = pattern.subn(splice, target.read_text(encoding="utf-8"))
    target.write_text(new, encoding="utf-8")
    print(f"{target}: {count} generated summaries copied")
    total += count
if total == 0:
    sys.exit("no '<!-- summary: DIR -->' markers found")
