#!/bin/bash
# Runs the demo's AST training for many epochs and records the process's resident memory (RSS) at the end of every
# epoch, to show whether native memory stays flat over a long run. The Java heap is fixed and resident from the start
# (-Xms = -Xmx, -XX:+AlwaysPreTouch) so that heap growth, which is not a leak, does not hide or fake a trend: what
# moves is native memory (engine arrays, allocator).
#
#   scripts/memory-soak.sh ENGINE [EPOCHS] [--checkpoint-every N] [-Dast.key=value ...]
#       e.g. scripts/memory-soak.sh MXNet 10 --checkpoint-every 100   (checkpoints go to the work directory)
#
# Needs `mvn -B -q -DskipTests install` first, and python3 for the summary. Work goes to /tmp/memory-soak-ENGINE.
set -euo pipefail
engine=${1:?usage: $0 PyTorch|MXNet [EPOCHS] [--checkpoint-every N] [-Dast.key=value ...]}
shift
epochs=10
if [[ ${1:-} =~ ^[0-9]+$ ]]; then epochs=$1; shift; fi
work=/tmp/memory-soak-$engine
rm -rf "$work" && mkdir -p "$work"
demo_args="--engine $engine --epochs $epochs --no-baseline"
if [ "${1:-}" = --checkpoint-every ]; then demo_args="$demo_args --checkpoint $work/checkpoints --checkpoint-every $2"; shift 2; fi
cd "$(dirname "$0")/.."

# exec: $! is then the JVM itself, whose RSS is sampled.
(MAVEN_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec mvn -B -q -pl ast-examples exec:java "$@" \
    -Dexec.args="$demo_args" > "$work/demo.log" 2>&1) &
jvm=$!
while kill -0 $jvm 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' /proc/$jvm/status 2>/dev/null || true)
    [ -n "$rss" ] && echo "$(date +%s.%N) $rss $(grep -c 'AST  Epoch' "$work/demo.log" || true)" >> "$work/rss.txt"
    sleep 1
done
wait $jvm || { echo "the demo failed, see $work/demo.log"; exit 1; }

python3 - "$work" "$epochs" <<'PY'
import sys
work, epochs = sys.argv[1], int(sys.argv[2])
samples = [line.split() for line in open(f"{work}/rss.txt")]
# RSS at the first sample after each epoch line appeared: the memory the process holds between epochs.
at_epoch = {}
for _, rss, done in samples:
    at_epoch.setdefault(int(done), int(rss) / 1024)
ends = [at_epoch[e] for e in range(1, epochs + 1) if e in at_epoch]
peak = max(int(s[1]) for s in samples) / 1024
print("RSS after epoch " + ", ".join(f"{e}: {r:.0f} MB" for e, r in enumerate(ends, 1)))
if len(ends) >= 3:
    settled = ends[1:]  # epoch 1 includes warm-up allocations (engine caches, data, JIT)
    n = len(settled)
    xs = range(n)
    mx, my = (n - 1) / 2, sum(settled) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, settled)) / sum((x - mx) ** 2 for x in xs)
    print(f"epochs 2-{len(ends)}: min {min(settled):.0f} MB, max {max(settled):.0f} MB, "
          f"least-squares trend {slope:+.1f} MB per epoch; peak RSS over the run {peak:.0f} MB")
PY
