#!/usr/bin/env bash
# A Spark standalone cluster on this machine, started from the Maven-resolved Spark jars (no Spark
# distribution needed): one master and N workers, each worker its own JVM launching its own
# executor JVMs, everything bound to 127.0.0.1.
#   scripts/cluster.sh start  [--dir D] [--port 7077] [--webui-port 8080] [--workers 2]
#                             [--worker-cores 1] [--worker-memory 2g]
#   scripts/cluster.sh status [--dir D]      # exit 0 when the master and all workers are alive
#   scripts/cluster.sh stop   [--dir D]
# D (default target/cluster) holds home/ (a SPARK_HOME whose jars/ links the resolved jars),
# logs/, pids/, work/ (one work dir per worker: executor logs) and cluster.env (the settings).
# SPARK_DAEMON_MEMORY (default 512m) sizes the master and worker JVMs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"

cmd=${1:-}; shift || true
dir="$ROOT/target/cluster"; port=7077; webui=8080; workers=2; cores=1; memory=2g
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2;;
    --port) port=$2; shift 2;;
    --webui-port) webui=$2; shift 2;;
    --workers) workers=$2; shift 2;;
    --worker-cores) cores=$2; shift 2;;
    --worker-memory) memory=$2; shift 2;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
home="$dir/home"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The master's JSON view (http://127.0.0.1:<webui>/json/), or nothing while it is not up.
master_json() { curl -sf --max-time 2 "http://127.0.0.1:$webui/json/" || true; }
alive_workers() { master_json | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0; }
master_up() { [ -n "$(master_json)" ]; }
workers_up() { [ "$(alive_workers)" -ge "$workers" ]; }

# A SPARK_HOME made of links: Spark's launcher (used by workers to build executor command lines)
# takes its classpath from SPARK_HOME/jars when SPARK_HOME/RELEASE exists.
make_home() {
  rm -rf "$home"
  mkdir -p "$home/jars"
  # The classpath file has no final newline: `|| [ -n "$jar" ]` keeps its last jar too.
  while IFS= read -r jar || [ -n "$jar" ]; do
    ln -s "$jar" "$home/jars/$(basename "$jar")"
  done < <(spark_classpath | tr ':' '\n')
  echo "Spark (Maven-resolved jars of $(basename "$ROOT"))" > "$home/RELEASE"
}

# Starts one daemon in the background, detached from this shell; its PID goes to pids/<name>.pid.
daemon() {
  local name=$1; shift
  # shellcheck disable=SC2046
  nohup java -cp "$home/jars/*" $(module_flags) -Xmx"${SPARK_DAEMON_MEMORY:-512m}" \
    -Dspark.master.rest.enabled=false "$@" > "$dir/logs/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name.pid"
}

wait_for() { # <seconds> <what> <test command...>
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "cluster.sh: timed out waiting for $what (logs in $dir/logs)" >&2; return 1; }
    sleep 1
  done
}

start() {
  if alive "$dir/pids/master.pid"; then echo "cluster.sh: already running (cluster.sh status --dir $dir)" >&2; exit 1; fi
  ensure_built
  make_home
  mkdir -p "$dir/logs" "$dir/pids" "$dir/work"
  printf 'port=%s\nwebui=%s\nworkers=%s\n' "$port" "$webui" "$workers" > "$dir/cluster.env"
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 ORT_DISABLE_TELEMETRY=1
  daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$webui"
  wait_for 60 "the master" master_up
  for i in $(seq 1 "$workers"); do
    mkdir -p "$dir/work/worker-$i"
    daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
      --cores "$cores" --memory "$memory" --work-dir "$dir/work/worker-$i" "spark://127.0.0.1:$port"
  done
  wait_for 60 "$workers workers" workers_up
  status
}

status() {
  [ -f "$dir/cluster.env" ] && source "$dir/cluster.env"
  local ok=0 f
  echo "master       spark://127.0.0.1:$port  (web UI http://127.0.0.1:$webui)"
  for f in "$dir"/pids/*.pid; do
    [ -e "$f" ] || { echo "not running ($dir)"; return 1; }
    if alive "$f"; then echo "$(basename "$f" .pid)  pid $(cat "$f") alive"; else echo "$(basename "$f" .pid)  pid $(cat "$f") DEAD"; ok=1; fi
  done
  local n; n=$(alive_workers)
  echo "workers alive (registered with the master): $n of $workers"
  [ "$n" -ge "$workers" ] || ok=1
  return $ok
}

# Stops the workers (and the executors they launched), then the master, by PID.
stop() {
  local f pid child
  for f in $(ls "$dir"/pids/worker-*.pid 2>/dev/null) "$dir/pids/master.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      for child in $(pgrep -P "$pid" || true); do kill "$child" 2>/dev/null || true; done
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  echo "stopped ($dir)"
}

case "$cmd" in
  start) start;;
  status) status;;
  stop) stop;;
  *) echo "usage: cluster.sh start|status|stop [--dir D] [--port P] [--webui-port W] [--workers N] [--worker-cores C] [--worker-memory M]" >&2; exit 2;;
esac
