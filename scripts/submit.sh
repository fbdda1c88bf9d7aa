#!/usr/bin/env bash
# Submits the job to a cluster with spark-submit (SPARK_HOME/bin/spark-submit, or spark-submit on PATH).
#   scripts/submit.sh --master <url> --input <URI> --output <URI> [classify options]
# Extra spark-submit flags go in SUBMIT_OPTS, e.g. SUBMIT_OPTS="--executor-memory 4g --total-executor-cores 8".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
master=""
prev=""
for a in "$@"; do
  [ "$prev" = "--master" ] && master="$a"
  prev="$a"
done
[ -n "$master" ] || { echo "submit.sh: --master <url> is required" >&2; exit 2; }
SUBMIT=${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit
export ORT_DISABLE_TELEMETRY=1
# shellcheck disable=SC2086
exec "$SUBMIT" --master "$master" --class org.sparkimage.job.ClassifyCommand \
  --properties-file "$ROOT/conf/spark-defaults.conf" \
  --driver-java-options "-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties" \
  ${SUBMIT_OPTS:-} "$JOB_JAR" "$@"
