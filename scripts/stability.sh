#!/usr/bin/env bash
# Issue 35's study of the published system's epoch-to-epoch swing: every configuration of `ast stability` on both
# engines, 3 seeds, 3 epochs of the demo's CNN on the whole training set, into docs/benchmark/published-stability.
# Runs append as they finish; the same command continues a stopped study. Extra options go to `ast stability`.
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
mvn -B -q -DskipTests install
exec java -Dai.djl.offline=true -jar ast-examples/target/ast.jar stability --out docs/benchmark/published-stability "$@"
