#!/usr/bin/env bash
# Builds README.md's two quick-start snippets (<!-- snippet: pom --> and <!-- snippet: java -->), with its custom
# scorer (<!-- snippet: plugin -->) compiled beside them, as a separate Maven project against the installed artifacts (run `mvn -B -q -DskipTests install` first) and runs it
# three ways: as written, without the SLF4J provider (epoch lines must still print), and on a pseudo-terminal (the
# progress bar must draw). Exits non-zero, saying what is missing, if any run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import pathlib, re, sys
work = pathlib.Path(sys.argv[1])
readme = pathlib.Path("README.md").read_text(encoding="utf-8")
def snippet(name):
    m = re.search(r"<!-- snippet: " + name + r" -->\n```\w*\n(.*?)```", readme, re.S)
    if not m:
        sys.exit(f"README.md has no '<!-- snippet: {name} -->' code block")
    return m.group(1)
pom = snippet("pom")
java = snippet("java")
plugin = snippet("plugin")
def project(path, dependencies):
    path.mkdir(parents=True)
    (path / "pom.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>readme-snippet</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
{dependencies}
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
    </plugins>
  </build>
</project>
""", encoding="utf-8")
    source = path / "src/main/java"
    source.mkdir(parents=True)
    (source / "Train.java").write_text(java, encoding="utf-8")
    (source / "com/example").mkdir(parents=True)
    (source / "com/example/FocalScorer.java").write_text(plugin, encoding="utf-8")
project(work / "as-written", pom)
without = re.sub(r"\s*<dependency>\s*<groupId>org\.slf4j</groupId>.*?</dependency>", "", pom, flags=re.S)
if without == pom:
    sys.exit("the pom snippet names no org.slf4j provider to leave out")
project(work / "no-slf4j-provider", without)
PY
exec_java=(org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.mainClass=Train -Dai.djl.offline=true)
run() {  # run NAME DIR [wrapper...]: builds and runs the project, printing its output; fails saying so
  local name=$1 dir=$2 out
  shift 2
  if ! out=$(cd "$dir" && "$@" mvn -B -q compile "${exec_java[@]}" 2>&1); then
    echo "readme-snippet: the $name run failed; it printed:" >&2
    printf '%s\n' "$out" >&2
    exit 1
  fi
  printf '%s\n' "$out"
}
expect() {  # expect NAME OUTPUT PATTERN
  if ! grep -qE "$3" <<<"$2"; then
    echo "readme-snippet: the $1 run printed no line matching '$3'; it printed:" >&2
    printf '%s\n' "$2" >&2
    exit 1
  fi
}
terminal() {  # runs a command on a pseudo-terminal, as a user at a console does
  script -qec "$(printf '%q ' "$@")" /dev/null
}
out=$(run as-written "$work/as-written")
expect "as-written" "$out" '^Epoch 3/3 \| Loss: '
expect "as-written" "$out" '^trained [0-9]+% of the samples'
out=$(run no-SLF4J-provider "$work/no-slf4j-provider")
expect "no-SLF4J-provider" "$out" '^Epoch 3/3 \| Loss: '
out=$(run terminal "$work/as-written" terminal)
expect "terminal" "$out" 'Epoch 1: +[0-9]+% \|'
echo "readme-snippet: the README's project builds and prints epoch lines (with and without an SLF4J provider) and a progress bar on a terminal"
