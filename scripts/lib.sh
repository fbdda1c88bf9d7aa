# Shared helpers of the scripts; sourced, not run. Expects ROOT to be set.
JAR="$ROOT/target/spark-image-classifier-0.1.0-SNAPSHOT.jar"
JOB_JAR="$ROOT/target/spark-image-classifier-0.1.0-SNAPSHOT-job.jar"

# Builds the jars (tests skipped) when they are missing or older than the sources.
ensure_built() {
  if [ ! -f "$JOB_JAR" ] || [ ! -f "$ROOT/target/classpath.txt" ] || [ ! -f "$ROOT/target/spark-classpath.txt" ] || \
     [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JOB_JAR" -print -quit 2>/dev/null)" ]; then
    echo "building the project (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  fi
}

# Thin jar + every dependency, Spark included (for local runs outside spark-submit).
runtime_classpath() {
  printf '%s:%s' "$JAR" "$(cat "$ROOT/target/classpath.txt")"
}

# The Java 17 flags Spark needs, from their one home in conf/.
module_flags() {
  sed -n 's/^java.module.flags=//p' "$ROOT/conf/java-module-flags.properties"
}

# Spark's own runtime jars (Maven-resolved; written by the build), for SparkSubmit and cluster daemons.
spark_classpath() {
  cat "$ROOT/target/spark-classpath.txt"
}

# Runs a main class of the project in a local JVM (driver and, in local mode, executor), with the
# classpath in an @argfile: ONNX Runtime 1.29 crashes on long command lines, and telemetry stays off.
# DRIVER_MEMORY (default 4g) sizes the JVM; EXTRA_CLASSPATH (entries ending in ':') goes first.
run_main() {
  local main=$1; shift
  local args
  args=$(mktemp)
  printf -- '-cp\n%s%s\n' "${EXTRA_CLASSPATH:-}" "$(runtime_classpath)" > "$args"
  export ORT_DISABLE_TELEMETRY=1
  local rc=0
  java $(module_flags) -Xmx"${DRIVER_MEMORY:-4g}" -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    @"$args" "$main" "$@" || rc=$?
  rm -f "$args"
  return $rc
}

# The value of --master among the arguments, or nothing.
master_arg() {
  local prev="" a
  for a in "$@"; do
    [ "$prev" = "--master" ] && { printf '%s' "$a"; return; }
    case "$a" in --master=*) printf '%s' "${a#--master=}"; return;; esac
    prev="$a"
  done
}

# A driver talking to a master on the loopback interface must itself be reachable there.
bind_driver_for() {
  case "$1" in
    spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1};;
  esac
}
