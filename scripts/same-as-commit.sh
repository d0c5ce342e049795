#!/usr/bin/env bash
# Checks that the working tree trains exactly as a commit does: scripts/same-as-commit.sh [REV, default HEAD]
# Builds REV in a temporary worktree and this tree, and runs each tree's own scripts/golden/ against its build:
# Golden.java (4 configurations of fit x 2 engines: CRC of the trained parameters and every epoch's figures) and
# GoldenArms.java (every kind of benchmark arm x 2 engines, 300 batches on a clock that advances per batch: every
# evaluation's figures). A refactoring that keeps behaviour prints the same lines. Same machine only.
# AST_MVN_ARGS adds Maven flags (e.g. -Dmaven.repo.local=DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/old" "$rev"
(cd "$work/old" && mvn -B -q -o ${AST_MVN_ARGS:-} -DskipTests package)
mvn -B -q -o ${AST_MVN_ARGS:-} -DskipTests package
for tree in old new; do
  root=$([ "$tree" = old ] && echo "$work/old" || pwd)
  (cd "$root" && mvn -B -q -o ${AST_MVN_ARGS:-} dependency:build-classpath -pl ast-examples -Dmdep.outputFile="$work/$tree-cp.txt")
  external=$(tr ':' '\n' < "$work/$tree-cp.txt" | grep -v '/ast-' | paste -sd: -)
  jars=$(ls "$root"/ast-*/target/ast-*-SNAPSHOT.jar "$root"/ast-examples/target/ast.jar | grep -v -- "-sources\|-javadoc" | paste -sd: -)
  golden="$root/scripts/golden"
  [ -f "$golden/GoldenArms.java" ] || golden=scripts/golden # commits before the arms' check: this tree's
  mkdir -p "$work/$tree"
  javac -nowarn -d "$work/$tree/classes" -cp "$jars:$external" "$golden"/*.java
  for main in Golden io.github.ast.examples.benchmark.GoldenArms; do
    java -Dai.djl.offline=true -cp "$work/$tree/classes:$jars:$external" "$main" 2>/dev/null \
      | grep ' config \| arm ' >> "$work/$tree.out"
  done
done
if diff "$work/old.out" "$work/new.out"; then
  echo "same as $rev: $(wc -l < "$work/new.out") configurations and arms trained bit for bit alike"
else
  echo "differs from $rev (lines above: < $rev, > this tree)" >&2
  exit 1
fi
