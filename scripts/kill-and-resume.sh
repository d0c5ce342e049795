#!/bin/bash
# Kills a demo run with SIGKILL in the middle of epoch 2 and resumes it from its checkpoints, next to an
# uninterrupted run without checkpoints, then compares their per-epoch figures and epoch lines.
#
#   scripts/kill-and-resume.sh ENGINE [-Dast.key=value ...]     e.g. scripts/kill-and-resume.sh MXNet
#
# Needs `mvn -B -q -DskipTests install` first, and python3 for the comparison. Work goes to /tmp/kill-and-resume-ENGINE.
set -euo pipefail
engine=${1:?usage: $0 PyTorch|MXNet [-Dast.key=value ...]}
shift
work=/tmp/kill-and-resume-$engine
rm -rf "$work" && mkdir -p "$work"
cd "$(dirname "$0")/.."
args="--engine $engine --epochs 3 --no-baseline"
demo() { exec mvn -B -q -pl ast-examples exec:java "$@"; }   # exec: $! is then the JVM itself

(demo "$@" -Dexec.args="$args --report $work/report-uninterrupted" > "$work/uninterrupted.log" 2>&1) &
uninterrupted=$!
resumable="$args --checkpoint $work/killed --checkpoint-every 100 --report $work/report-killed"
(demo "$@" -Dexec.args="$resumable" > "$work/killed-1.log" 2>&1) &
killed=$!
for ((i = 0; i < 3000; i++)); do   # up to 10 minutes
    [ -e "$work/killed/$engine-cnn/epoch-0002-batch-000200" ] && break
    kill -0 $killed 2>/dev/null || { echo "the run to kill ended early, see $work/killed-1.log"; exit 1; }
    sleep 0.2
done
sleep 0.5
kill -9 $killed
wait $killed || echo "killed run ended with status $? after checkpoint $(cat "$work/killed/$engine-cnn/latest")"
latest=$(cat "$work/killed/$engine-cnn/latest")
case $latest in epoch-0002-batch-*) ;; *) echo "the kill did not fall inside epoch 2 (latest: $latest)"; exit 1;; esac
(demo "$@" -Dexec.args="$resumable" > "$work/killed-2.log" 2>&1)
wait $uninterrupted
# Without these the comparison could pass vacuously: a run that restarted from scratch would match too.
grep -q "resuming from the latest checkpoint" "$work/killed-2.log" || { echo "the second run did not resume"; exit 1; }
if grep -q "AST  Epoch 1/3" "$work/killed-2.log"; then echo "the second run trained epoch 1 again"; exit 1; fi
echo "resumed from $latest"

python3 - "$work" "$engine" <<'PY'
import json, sys
work, engine = sys.argv[1], sys.argv[2].lower()
a = json.load(open(f"{work}/report-uninterrupted/ast-{engine}-cnn.json"))["epochs"]
b = json.load(open(f"{work}/report-killed/ast-{engine}-cnn.json"))["epochs"]
timing = {"trainSeconds", "validationSeconds", "measuredJoules"}
same = len(a) == len(b)
for x, y in zip(a, b):
    differences = {k: (x[k], y[k]) for k in x if k not in timing and x[k] != y[k]}
    same = same and not differences
    print(f"epoch {x['epoch']}: validation accuracy {x['validationAccuracy']} / {y['validationAccuracy']}, "
          f"loss {x['validationLoss']} / {y['validationLoss']}, differences {differences}")
print("identical per-epoch figures (times and joules aside):", same)
sys.exit(0 if same else 1)
PY
# The epoch lines as printed, seconds and joules masked: the killed run's first start printed epoch 1, its second
# start epochs 2 and 3.
lines() { grep -h "AST  Epoch" "$@" | sed -E 's/ [0-9]+\.[0-9]s / Ns /; s/ [0-9]+ J$/ N J/'; }
if diff <(lines "$work/uninterrupted.log") <(lines "$work/killed-1.log" "$work/killed-2.log"); then
    echo "identical epoch lines (seconds and joules aside)"
else
    echo "the epoch lines differ"; exit 1
fi
