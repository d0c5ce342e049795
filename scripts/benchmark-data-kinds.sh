#!/usr/bin/env bash
# Issue 37's benchmark: the MXNet MLP on three kinds of data where selection is expected to pay, each against the
# random arms and the remedies practitioners use there, 5 seeds x 60 s, one configuration after the other (finished
# runs are skipped, so the same command continues it); then the CNN, 3 seeds, on the kind where the MLP gained most
# (cnn-noise). KINDS picks some (longtail,duplicates,noise,cnn-noise). Touch /tmp/bench.pause to hold it between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=,${KINDS:-longtail,duplicates,noise,cnn-noise},
common=(--engine MXNet --pause-file /tmp/bench.pause)
mlp=(--model mlp --seeds 5 --budget 60 "${common[@]}")
if [[ $kinds == *,longtail,* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-longtail100 --imbalance 100 --targets 0.75,0.78,0.80 \
    --arms full,rs2@0.1,0.3,balanced,full+la,rs2@0.3+la,infobatch@0.3,classprune@0.3,auto,auto-class "${mlp[@]}"
fi
if [[ $kinds == *,duplicates,* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-duplicates4x50 --duplicates 4:0.5 --targets 0.86,0.88,0.89 \
    --arms full,rs2@0.1,0.3,dedup,infobatch@0.3,infobatch@0.5,auto "${mlp[@]}"
fi
noise=(--noise 0.4 --noise-kind asymmetric --clean-holdout 5000)
if [[ $kinds == *,noise,* ]]; then
  scripts/benchmark.sh docs/benchmark/mlp-mxnet-asymnoise40-holdout "${noise[@]}" --targets 0.82,0.84,0.85 \
    --arms full,rs2@0.1,0.3,early-stop,finetune@0.1,infobatch@0.3,rho-clean,rho-clean:clocked,auto,auto-rho \
    "${mlp[@]}"
fi
if [[ $kinds == *,cnn-noise,* ]]; then
  scripts/benchmark.sh docs/benchmark/cnn-mxnet-asymnoise40-holdout "${noise[@]}" --targets 0.85,0.86,0.87 \
    --arms full,rs2@0.3,finetune@0.1,rho-clean --model cnn --seeds 3 --budget 180 "${common[@]}"
fi
