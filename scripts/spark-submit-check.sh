#!/usr/bin/env bash
# Runs the cluster entry point (io.github.ast.spark.ScoreJob) the way spark-submit does, through Spark's own
# org.apache.spark.deploy.SparkSubmit with --jars, in local[2] (no Spark distribution or cluster needed), on the table
# and model.ast the demo wrote; the selection must match the demo's in-process Spark run.
# Usage: scripts/spark-submit-check.sh [WORK_DIR]   (after mvn -B -q -DskipTests install)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
conf=(--conf ast.spark.policy=top-rate --conf ast.targetRate=0.3)
mvn -B -q -pl ast-examples/spark exec:exec -Dexec.args="demo --embedded --work $work ${conf[*]}"
mvn -B -q -pl ast-spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$work/spark.classpath"
opts=$(grep -o '<spark.java17.options>.*</spark.java17.options>' pom.xml | sed 's/<[^>]*>//g')
# shellcheck disable=SC2086 # the options are separate words
java $opts -Dai.djl.offline=true -cp "$(cat "$work/spark.classpath")" org.apache.spark.deploy.SparkSubmit \
  --master 'local[2]' --class io.github.ast.spark.ScoreJob \
  --jars "$(ls ast-examples/spark/target/lib/*.jar | paste -sd,)" ast-examples/spark/target/ast-spark-example.jar \
  --data "$work/train.parquet" --model "$work/model.ast" --out "$work/selection-submitted" "${conf[@]}" 2>&1 \
  | grep -v -e ' INFO ' -e CudaUtils
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
demo = json.load(open(f"{work}/selection/_ast_selection.json"))
submitted = json.load(open(f"{work}/selection-submitted/_ast_selection.json"))
same = all(demo[k] == submitted[k] for k in ("modelVersion", "configuration", "cut", "rows", "selected"))
print(f"demo: {demo['selected']} of {demo['rows']} ({demo['cut']}); spark-submit: {submitted['selected']} of "
      f"{submitted['rows']} ({submitted['cut']}); same model, configuration, cut and counts: {same}")
sys.exit(0 if same else 1)
PY
