#!/usr/bin/env bash
# Issue 37's benchmark: the MXNet MLP on three kinds of data where selection is expected to pay, each against the
# random arms and the remedies practitioners use there, 5 seeds x 60 s, one configuration after the other (finished
# runs are skipped, so the same command continues it). KINDS picks some (longtail,duplicates,noise). Touch
# /tmp/bench.pause to hold it between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=${KINDS:-longtail,duplicates,noise}
common=(--engine MXNet --model mlp --seeds 5 --budget 60 --pause-file /tmp/bench.pause)
if [[ $kinds == *longtail* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-longtail100 --imbalance 100 --targets 0.75,0.78,0.80 \
    --arms full,rs2@0.1,0.3,balanced,full+la,rs2@0.3+la,infobatch@0.3,classprune@0.3,auto,auto-class "${common[@]}"
fi
if [[ $kinds == *duplicates* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-duplicates4x50 --duplicates 4:0.5 --targets 0.86,0.88,0.89 \
    --arms full,rs2@0.1,0.3,dedup,infobatch@0.3,infobatch@0.5,auto "${common[@]}"
fi
if [[ $kinds == *noise* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-asymnoise40-holdout --noise 0.4 --noise-kind asymmetric \
    --clean-holdout 5000 --targets 0.82,0.84,0.85 \
    --arms full,rs2@0.1,0.3,early-stop,finetune@0.1,infobatch@0.3,rho-clean,rho-clean:clocked,auto,auto-rho \
    "${common[@]}"
fi
