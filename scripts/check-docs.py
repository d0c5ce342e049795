#!/usr/bin/env python3
"""Checks the documentation, for CI (.ci/run) and before a commit:

1. every relative link and image in README.md, CHANGELOG.md and docs/**/*.md resolves: the file or folder exists,
   and a #anchor names a heading of the target Markdown file (GitHub's rule: the heading's text in lower case,
   punctuation but '-' and '_' removed, spaces as '-', a repeated heading suffixed -1, -2, ...);
2. the generated files are current: scripts/readme-benchmarks.py --check regenerates every spliced summary, README's
   verdict and docs/benchmark/README.md in memory and fails naming each file that would change;
3. docs/benchmark/questions.json holds a title and a question for every benchmark folder, and nothing else;
4. README.md stays at most 250 lines (the issue that cut it down asked for that).

Light: no build, no engine. Run from anywhere: python3 scripts/check-docs.py. Exits 1 with one line per problem.
"""
import json
import pathlib
import re
import subprocess
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent

LINK = re.compile(r"!?\[(?:[^\[\]]|\\[\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
HTML = re.compile(r"<(?:a|img)\s[^>]*?(?:href|src)=\"([^\"]+)\"", re.I)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE = re.compile(r"`+[^`\n]*`+")


def documents():
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    return [f for f in files if f.is_file()]


def slug(text):
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's or image's text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        seen = {}
        found = set()
        for heading in re.findall(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, re.M):
            base = slug(heading)
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
        found |= set(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", text))
        cache[path] = found
    return cache[path]


def links(path):
    """(line, target) of every link, image and reference definition outside code, link texts spanning lines too."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    text = CODE.sub(lambda m: " " * len(m.group(0)), text)
    for pattern in (LINK, HTML, REFERENCE):
        for match in pattern.finditer(text):
            yield text[:match.start()].count("\n") + 1, match.group(1)


def check_links():
    problems = []
    for document in documents():
        where = document.relative_to(ROOT)
        for line, target in links(document):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto: ...: not checked
                continue
            path_part, _, anchor = target.partition("#")
            path_part = urllib.parse.unquote(path_part)
            resolved = document if not path_part else (document.parent / path_part).resolve()
            if path_part.startswith("/"):
                problems.append(f"{where}:{line}: '{target}' is an absolute path; link relative to the file")
                continue
            if not resolved.exists():
                shown = resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved
                problems.append(f"{where}:{line}: '{target}' does not exist ({shown})")
                continue
            if anchor:
                if resolved.suffix != ".md" or not resolved.is_file():
                    problems.append(f"{where}:{line}: '{target}' has an anchor but is no Markdown file")
                elif urllib.parse.unquote(anchor) not in anchors(resolved):
                    problems.append(f"{where}:{line}: '{target}': {resolved.relative_to(ROOT)} has no heading "
                                    f"with the anchor #{anchor}")
    return problems


def check_generated():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme-benchmarks.py"), "--check"],
                            capture_output=True, text=True)
    if result.returncode == 0:
        return []
    lines = [line for line in result.stderr.splitlines() if "is not current" in line]
    return lines or [f"scripts/readme-benchmarks.py --check failed: {result.stderr.strip() or result.stdout.strip()}"]


def check_questions():
    path = ROOT / "docs" / "benchmark" / "questions.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    folders = {p.parent.name for p in (ROOT / "docs" / "benchmark").glob("*/runs.jsonl")}
    problems = [f"docs/benchmark/questions.json: no title and question for docs/benchmark/{name}"
                for name in sorted(folders - set(questions))]
    problems += [f"docs/benchmark/questions.json: '{name}' is no folder of docs/benchmark with a runs.jsonl"
                 for name in sorted(set(questions) - folders)]
    problems += [f"docs/benchmark/questions.json: '{name}' lacks '{field}'" for name, entry in sorted(questions.items())
                 for field in ("title", "asks") if not entry.get(field)]
    return problems


README_LINES = 250


def check_readme_length():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    return [] if lines <= README_LINES else [f"README.md has {lines} lines, more than {README_LINES}: move detail "
                                             f"into docs/ and link it"]


def main():
    sections = [("relative links and anchors", check_links), ("generated files", check_generated),
                ("benchmark questions", check_questions), ("README length", check_readme_length)]
    failed = False
    for name, check in sections:
        problems = check()
        if problems:
            failed = True
            print(f"check-docs: {name}: {len(problems)} problem{'s' if len(problems) > 1 else ''}")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"check-docs: {name}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
