#!/usr/bin/env bash
# Runs (or resumes) one benchmark configuration: scripts/benchmark.sh OUT_DIR [benchmark options...]
# The same command continues a stopped benchmark: finished (arm, seed) runs in OUT_DIR/runs.jsonl are skipped.
# glibc's allocator is tuned: by default it returns and re-faults the engines' native memory every batch, measured on
# this project's machine as the largest avoidable per-batch cost at high activation (MXNet AST-100: 159 -> 121 ms per
# CNN batch). The settings are recorded in the results' machine section and are part of what a resume must match.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/benchmark.sh OUT_DIR [benchmark options, see --help]" >&2
  exit 2
fi
out=$1
shift
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
mvn -B -q -DskipTests install
exec mvn -B -q -pl ast-examples exec:java -Dexec.mainClass=io.github.ast.examples.benchmark.BenchmarkCommand \
  -Dexec.args="--out $out --resume $*"
