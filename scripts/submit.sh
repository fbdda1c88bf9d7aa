#!/usr/bin/env bash
# Submits the job (the shaded jar, with conf/spark-defaults.conf) to any Spark master.
#   scripts/submit.sh --master <url> --input <URI> --output <URI> [classify options]
# Uses SPARK_HOME/bin/spark-submit when SPARK_HOME has one; otherwise runs Spark's SparkSubmit (what
# spark-submit calls) from the Maven-resolved jars, in client mode, in this JVM: DRIVER_MEMORY
# (default 2g) sizes it. Extra spark-submit flags go in SUBMIT_OPTS, e.g.
# SUBMIT_OPTS="--executor-memory 4g --total-executor-cores 8".
# --master yarn: the cluster is the one HADOOP_CONF_DIR (or YARN_CONF_DIR) describes. Without a
# SPARK_HOME, the containers get Spark's jars through spark.yarn.jars = the Maven-resolved jars
# (about 330 MB uploaded to the staging directory on every submit); point spark.yarn.jars or
# spark.yarn.archive at jars already on the cluster in SUBMIT_OPTS to skip that. docs/cluster.md, "YARN".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
master=$(master_arg "$@")
[ -n "$master" ] || { echo "submit.sh: --master <url> is required" >&2; exit 2; }
export ORT_DISABLE_TELEMETRY=1
submit_args=(--master "$master" --class org.sparkimage.cli.ClassifyCommand
             --properties-file "$ROOT/conf/spark-defaults.conf")
log_conf="-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties"
if [ "$master" = "yarn" ] && [ -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]; then
  echo "submit.sh: --master yarn needs HADOOP_CONF_DIR (the folder with the cluster's core-site.xml and yarn-site.xml)" >&2
  exit 2
fi

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  # shellcheck disable=SC2086
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" --driver-java-options "$log_conf" \
    ${SUBMIT_OPTS:-} "$JOB_JAR" "$@"
fi

bind_driver_for "$master"
classpath=$(spark_classpath)
if [ "$master" = "yarn" ]; then
  # What spark-submit does: the Hadoop configuration folders go on the client's classpath.
  classpath="${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}${YARN_CONF_DIR:+$YARN_CONF_DIR:}$classpath"
  submit_args+=(--conf "spark.yarn.jars=$(tr ':' ',' <<< "$(spark_classpath)")")
fi
args=$(mktemp)
trap 'rm -f "$args"' EXIT
printf -- '-cp\n%s\n' "$classpath" > "$args"
# shellcheck disable=SC2046,SC2086
java $(module_flags) -Xmx"${DRIVER_MEMORY:-2g}" "$log_conf" @"$args" org.apache.spark.deploy.SparkSubmit \
  "${submit_args[@]}" ${SUBMIT_OPTS:-} "$JOB_JAR" "$@"
