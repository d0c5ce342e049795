#!/usr/bin/env bash
# Runs (or resumes) one benchmark configuration: scripts/benchmark.sh OUT_DIR [benchmark options...]
# The same command continues a stopped benchmark: finished (arm, seed) runs in OUT_DIR/runs.jsonl are skipped.
# glibc's allocator is tuned as docs/performance measured (it otherwise returns and re-faults native memory every
# batch, the largest avoidable cost at high activation); the settings are recorded in each run's setup.
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
