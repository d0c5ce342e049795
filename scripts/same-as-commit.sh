#!/usr/bin/env bash
# Checks that the working tree trains exactly as a commit does: scripts/same-as-commit.sh [REV, default HEAD]
# Builds REV in a temporary worktree and this tree, runs scripts/golden/Golden.java against each (4 configurations x
# 2 engines: CRC of the trained parameters and every epoch's figures) and diffs the output. Same machine only.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/old" "$rev"
(cd "$work/old" && mvn -B -q -DskipTests package)
mvn -B -q -DskipTests package
mvn -B -q dependency:build-classpath -pl ast-examples -Dmdep.outputFile="$work/cp.txt"
external=$(tr ':' '\n' < "$work/cp.txt" | grep -v '/ast-' | paste -sd: -)
for tree in old new; do
  root=$([ "$tree" = old ] && echo "$work/old" || pwd)
  jars=$(ls "$root"/ast-{api,scorers,controllers,energy,core}/target/ast-*-SNAPSHOT.jar | paste -sd: -)
  mkdir -p "$work/$tree"
  javac -nowarn -d "$work/$tree/classes" -cp "$jars:$external" scripts/golden/Golden.java
  java -Dai.djl.offline=true -cp "$work/$tree/classes:$jars:$external" Golden 2>/dev/null | grep ' config ' \
    > "$work/$tree.out"
done
if diff "$work/old.out" "$work/new.out"; then
  echo "same as $rev: $(wc -l < "$work/new.out") configurations trained bit for bit alike"
else
  echo "differs from $rev (lines above: < $rev, > this tree)" >&2
  exit 1
fi
