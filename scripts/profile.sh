#!/usr/bin/env bash
# Profiles where a batch's time goes on each engine and writes docs/performance/profile.{json,md}:
#   scripts/profile.sh [profile options, see --help]
# The allocator is tuned as scripts/benchmark.sh tunes it, so that the profile and the benchmark measure the same loop.
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
mvn -B -q -DskipTests install
exec mvn -B -q -pl ast-examples exec:java -Dexec.mainClass=io.github.ast.examples.benchmark.ProfileCommand \
  -Dexec.args="$*"
