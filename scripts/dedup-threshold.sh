#!/usr/bin/env bash
# How near-duplicate removal's threshold trades copies removed for originals lost, on training data only (issue 37's
# dedup arm): scripts/dedup-threshold.sh [ENGINE]. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
cp_file=$(mktemp)
mvn -B -q dependency:build-classpath -pl ast-examples -Dmdep.outputFile="$cp_file"
exec java -Dai.djl.offline=true -cp "ast-examples/target/ast.jar:$(cat "$cp_file")" \
  scripts/DedupThreshold.java "$@"
