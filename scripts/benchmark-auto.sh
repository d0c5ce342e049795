#!/usr/bin/env bash
# Issue 34's benchmark: auto beside full data, RS2 and InfoBatch in the four configurations README reports, one after
# the other (finished runs are skipped, so the same command continues it). ARMS overrides the arms, e.g. ARMS=full,auto
# to measure those first. Touch /tmp/bench.pause to hold it between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
arms=${ARMS:-full,auto,rs2@0.1,0.3,infobatch@0.3}
common=(--arms "$arms" --pause-file /tmp/bench.pause)
scripts/benchmark.sh docs/benchmark/mlp-mxnet-clean-auto --engine MXNet --model mlp --seeds 5 --budget 60 \
  --targets 0.85,0.87,0.88,0.89 "${common[@]}"
scripts/benchmark.sh docs/benchmark/mlp-mxnet-noise20-auto --engine MXNet --model mlp --seeds 5 --budget 60 \
  --noise 0.2 --targets 0.85,0.87,0.88 "${common[@]}"
scripts/benchmark.sh docs/benchmark/cnn-mxnet-clean-auto --engine MXNet --model cnn --seeds 3 --budget 240 \
  --targets 0.88,0.90,0.91 "${common[@]}"
scripts/benchmark.sh docs/benchmark/cnn-pytorch-clean-auto --engine PyTorch --model cnn --seeds 2 --budget 240 \
  --targets 0.88,0.90,0.91 "${common[@]}"
