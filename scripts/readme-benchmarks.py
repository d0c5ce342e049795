#!/usr/bin/env python3
"""Writes the documentation's generated parts, so that no table in it is typed by hand:

- each benchmark configuration's summary.md (and the profile's profile.md, the Spark throughput) copied into
  README.md, docs/performance.md and docs/distributed.md wherever a file marks a place as
      <!-- summary: docs/benchmark/mlp-mxnet-clean -->   (a folder: its summary.md)
      <!-- summary: docs/performance/profile.md -->       (a Markdown file)
      ...replaced...
      <!-- end summary -->
- README.md's verdict table, between <!-- verdict --> and <!-- end verdict -->, from the folders' results.json;
- docs/benchmark/README.md, the index of every folder of docs/benchmark with a runs.jsonl, from each folder's
  runs.jsonl header and summary.md and from docs/benchmark/questions.json (the one hand-written line per folder).

Run from anywhere after a benchmark finished or was resumed: python3 scripts/readme-benchmarks.py
With --check it writes nothing and exits 1, naming each file that is not current (CI runs it through
scripts/check-docs.py).
"""
import decimal
import json
import math
import pathlib
import re
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCHMARK = pathlib.Path("docs/benchmark")
SPLICED = (pathlib.Path("README.md"), pathlib.Path("docs/performance.md"), pathlib.Path("docs/distributed.md"))
INDEX = BENCHMARK / "README.md"
QUESTIONS = BENCHMARK / "questions.json"

# The configurations README's verdict reports, in its order: a folder belongs to one when its runs.jsonl header's
# identity has this engine, model, label noise and budget, and none of the data kinds of issue 37.
CONFIGURATIONS = [
    ("MLP, MXNet, clean labels", "MXNet", "mlp", 0.0, 60.0),
    ("MLP, MXNet, 20% label noise", "MXNet", "mlp", 0.2, 60.0),
    ("CNN, MXNet, clean labels", "MXNet", "cnn", 0.0, 240.0),
    ("CNN, PyTorch, clean labels", "PyTorch", "cnn", 0.0, 240.0),
    ("CNN, MXNet, 20% label noise", "MXNet", "cnn", 0.2, 240.0),
]
RANDOM_CONTROL = re.compile(r"^(random-batch|rs2)@[0-9.]+$")
# The earlier auto (auto@r, auto-rs2@r) is gone from the code: no user can choose it, so it is no "AST setting".
RETIRED = re.compile(r"^auto(-rs2)?@")

summary_pattern = re.compile(r"(<!-- summary: (\S+) -->\n)(.*?)(<!-- end summary -->)", re.S)
verdict_pattern = re.compile(r"(<!-- verdict -->\n)(.*?)(<!-- end verdict -->)", re.S)


# ---------------------------------------------------------------------------------------------------- reading


def header(folder):
    """The first line of a folder's runs.jsonl: identity, command, arms, targets."""
    with open(ROOT / folder / "runs.jsonl", encoding="utf-8") as f:
        return json.loads(f.readline())


def runs_recorded(folder):
    with open(ROOT / folder / "runs.jsonl", encoding="utf-8") as f:
        return sum(1 for line in f if line.strip()) - 1


def results(folder):
    path = ROOT / folder / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def folders():
    return sorted(p.parent.relative_to(ROOT) for p in (ROOT / BENCHMARK).glob("*/runs.jsonl"))


# Data kinds (issue 37) a header's identity names when its training split is not the clean, balanced one.
DATA_KINDS = ("noiseKind", "imbalance", "duplicates", "cleanHoldout")


def configuration_of(identity):
    if any(kind in identity for kind in DATA_KINDS):
        return None
    for index, (_, engine, model, noise, budget) in enumerate(CONFIGURATIONS):
        if (identity.get("engine"), identity.get("model")) == (engine, model) \
                and math.isclose(identity.get("labelNoise", -1), noise) \
                and math.isclose(identity.get("budgetSeconds", -1), budget):
            return index
    return None


def target_value(key):
    return float(key.rstrip("%"))


# ---------------------------------------------------------------------------------------------------- formats


def java_fixed(value, places):
    """Formats as Java's %.Nf does (half up on the shortest decimal form), so that figures match summary.md's."""
    quantum = decimal.Decimal(1).scaleb(-places)
    return str(decimal.Decimal(repr(value)).quantize(quantum, rounding=decimal.ROUND_HALF_UP))


def ratio(value):
    return "∞" if math.isinf(value) else java_fixed(value, 2)


def speed_up(paired):
    values = [v for v in paired.get("values", []) if not math.isnan(v)]
    return f"{ratio(paired['median'])}× [{ratio(paired['interval']['low'])}, {ratio(paired['interval']['high'])}]" \
        f" (n={len(values)})"


def seconds(value):
    return "not reached" if math.isinf(value) else f"{java_fixed(value, 0)} s"


# ---------------------------------------------------------------------------------------------------- the verdict


def paired_vs_full(summary, arm, key):
    """The arm's paired speed-up over full data at the target, or None when it was not measured or neither reached."""
    paired = summary.get(arm, {}).get("timeToTarget", {}).get(key, {}).get("speedUpVsFull")
    if not paired or math.isnan(paired.get("median", math.nan)):
        return None
    return paired


def verdict_row(measured):
    """measured: (folder, results) of one configuration's folders with full data, newest first.

    Returns the target and, per arm, (folder, paired speed-up or None): the newest folder in which the arm ran beside
    full data and either reached the target, else the newest in which it ran (None: neither reached it there)."""
    shared = set.intersection(*(set(r["summary"]["full"]["timeToTarget"]) for _, r in measured))
    arms = {arm for _, r in measured for arm in r["summary"] if arm != "full"}
    for key in sorted(shared, key=target_value, reverse=True):
        cells = {}
        for arm in arms:
            ran = [(folder, paired_vs_full(r["summary"], arm, key)) for folder, r in measured if arm in r["summary"]]
            cells[arm] = next(((folder, paired) for folder, paired in ran if paired), ran[0] if ran else None)
        if any(paired for _, paired in cells.values()):
            return key, cells
    return None, {}


def best(cells, accept):
    """The accepted arm with the highest median speed-up (then interval, then seeds used; then by name)."""
    chosen = sorted((arm, c) for arm, c in cells.items() if accept(arm))
    if not chosen:
        return None
    measured = [(arm, c) for arm, c in chosen if c[1]]
    if not measured:
        return chosen[0]

    def rank(choice):
        paired = choice[1][1]
        used = sum(1 for v in paired.get("values", []) if not math.isnan(v))
        return paired["median"], paired["interval"]["low"], paired["interval"]["high"], used

    top = max(rank(c) for c in measured)
    return next(c for c in measured if rank(c) == top)


def cell(choice, relative):
    if choice is None:
        return "—"
    arm, (folder, paired) = choice
    figure = speed_up(paired) if paired else "n/a (neither reached it)"
    return f"[`{arm}`]({relative(folder)}/summary.md) {figure}"


def is_ast_setting(arm):
    return arm not in ("full", "auto", "seed", "ast-100") and not RANDOM_CONTROL.match(arm) and not arm.endswith(":random") \
        and not RETIRED.match(arm)


def verdict(relative=lambda folder: folder.as_posix()):
    grouped = {index: [] for index in range(len(CONFIGURATIONS))}
    for folder in folders():
        r = results(folder)
        index = configuration_of(header(folder)["identity"])
        if index is not None and r and "full" in r["summary"]:
            grouped[index].append((folder, r))
    lines = ["| configuration | target | full data: median time | best random arm | best AST setting | `auto` "
             "| published system (`seed`) |", "|---|---|---|---|---|---|---|"]
    for index, (title, *_) in enumerate(CONFIGURATIONS):
        measured = sorted(grouped[index], key=lambda fr: fr[1]["setup"].get("started", ""), reverse=True)
        if not measured:
            lines.append(f"| {title} | — | not run yet | — | — | — | — |")
            continue
        key, cells = verdict_row(measured)
        if key is None:
            lines.append(f"| {title} | — | no arm reached a target shared by its folders | — | — | — | — |")
            continue
        used = sorted({folder for folder, paired in cells.values() if paired})
        full_times = sorted(dict(measured)[folder]["summary"]["full"]["timeToTarget"][key]["median"] for folder in used)
        low, high = seconds(full_times[0]), seconds(full_times[-1])
        full = low if low == high else f"{low.removesuffix(' s')}–{high}" if "not" not in high else f"{low} – {high}"
        lines.append("| " + " | ".join([
            title, key, f"{full} ({len(used)} folder{'s' if len(used) > 1 else ''})",
            cell(best(cells, lambda arm: RANDOM_CONTROL.match(arm)), relative),
            cell(best(cells, is_ast_setting), relative),
            cell(("auto", cells["auto"]) if cells.get("auto") else None, relative),
            cell(("seed", cells["seed"]) if cells.get("seed") else None, relative)]) + " |")
    lines.append("")
    lines += textwrap.wrap(
        "Each cell: the arm's paired speed-up over full data to the row's target (per seed, full data's time over the "
        "arm's in the same run; median, 95% interval, seeds used; 0.00×: only full data reached it; ∞×: only the arm "
        "did), from the newest folder where the arm ran beside full data. Target: the highest that every folder of "
        "the configuration with full data measured and some arm reached. AST settings: the selection methods but "
        "`auto`, `seed`, the `:random` ablations, `ast-100` and the retired `auto@r`, `auto-rs2@r`. —: not measured.",
        width=118, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------- the index


def key_line(summary_text):
    """The 'Who is ahead' bullet of the highest target (or of the highest that an arm's median run reached)."""
    bullets = re.findall(r"^- ([0-9.]+%: .*)$", summary_text.split("**Who is ahead**", 1)[-1], re.M)
    if not bullets:
        return None
    reached = [b for b in bullets if "no arm's median run reached it" not in b]
    if reached and reached[-1] != bullets[-1]:
        return f"{bullets[-1]} {reached[-1]}"
    return bullets[-1]


def index():
    questions = json.loads((ROOT / QUESTIONS).read_text(encoding="utf-8"))
    by_configuration = {}
    for folder in folders():
        h = header(folder)
        index_ = configuration_of(h["identity"])
        by_configuration.setdefault(len(CONFIGURATIONS) if index_ is None else index_, []).append((folder, h))
    out = ["# Benchmark configurations", "",
           "Generated by `python3 scripts/readme-benchmarks.py` from each folder's `runs.jsonl` and `summary.md` and "
           "from [questions.json](questions.json) (the one hand-written line per folder); do not edit by hand. "
           "Each folder's `summary.md` is the full record: every table, every arm, every target. How the benchmark "
           "measures: [method.md](method.md). What the runs say, configuration by configuration: "
           "[findings.md](findings.md).", ""]
    for index_ in sorted(by_configuration):
        title = CONFIGURATIONS[index_][0] if index_ < len(CONFIGURATIONS) else "Other models"
        out += [f"## {title}", ""]
        entries = sorted(by_configuration[index_], key=lambda fh: (fh[1].get("started", ""), fh[0].name))
        for folder, h in entries:
            name = folder.name
            question = questions.get(name, {})
            out += [f"### {name}", "",
                    f"**{question.get('title', '(no title in questions.json)')}.** "
                    f"{question.get('asks', '(no question in questions.json)')}", ""]
            summary = ROOT / folder / "summary.md"
            runs = runs_recorded(folder)
            where = f"[{name}/summary.md]({name}/summary.md)" if summary.is_file() else \
                f"[{name}/runs.jsonl]({name}/runs.jsonl) (no summary rendered yet)"
            findings = f"; [what it shows](findings.md#{question['findings']})" if question.get("findings") else ""
            out.append(f"- Record: {where}{findings}; started {h.get('started', '?')[:10]}, "
                       f"{runs} run{'s' if runs != 1 else ''} recorded.")
            out.append(f"- Command (from `runs.jsonl`): `{h['command']}`")
            line = key_line(summary.read_text(encoding="utf-8")) if summary.is_file() else None
            out.append(f"- Key line (`summary.md`, highest target): {line}" if line else
                       "- Key line: none yet (no run finished).")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------------------- splicing


def splice(match):
    path = pathlib.Path(match.group(2))
    summary = ROOT / (path if path.suffix == ".md" else path / "summary.md")
    if not summary.is_file():
        print(f"{summary.relative_to(ROOT)} is missing: marked as not run yet", file=sys.stderr)
        return match.group(1) + "_Not run yet: its command starts it, and resumes it when stopped._\n" + match.group(4)
    body = summary.read_text(encoding="utf-8")
    # The summary's own title is replaced by the including file's heading.
    body = re.sub(r"\A# .*\n\n", "", body)
    return match.group(1) + body.rstrip("\n") + "\n" + match.group(4)


def generated():
    """{path: new text} for every file this script writes."""
    files = {}
    for target in SPLICED:
        if not (ROOT / target).is_file():
            print(f"{target} is missing: nothing spliced into it", file=sys.stderr)
            continue
        text = (ROOT / target).read_text(encoding="utf-8")
        text, count = summary_pattern.subn(splice, text)
        if target == pathlib.Path("README.md"):
            text, verdicts = verdict_pattern.subn(lambda m: m.group(1) + verdict() + m.group(3), text)
            if verdicts > 1:
                sys.exit("README.md has more than one '<!-- verdict -->' ... '<!-- end verdict -->' block")
        files[target] = (text, count)
    files[INDEX] = (index(), None)
    return files


def main(argv):
    check = "--check" in argv
    stale = []
    for target, (text, count) in generated().items():
        path = ROOT / target
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if check:
            if current != text:
                stale.append(target)
            continue
        if current != text:
            path.write_text(text, encoding="utf-8")
        copied = "" if count is None else f", {count} generated summaries copied"
        print(f"{target}: {'rewritten' if current != text else 'current'}{copied}")
    if stale:
        for target in stale:
            print(f"{target} is not current: run python3 scripts/readme-benchmarks.py and commit the result",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
