#!/usr/bin/env bash
# Throughput benchmark: inference ceiling C, decode+preprocess ceiling D (and javax.imageio's),
# end-to-end Spark job E and E/H with H = 1/(1/C + 1/D), per corpus, in one run.
#   scripts/bench.sh --output <dir> [--corpus <dir>]... [--master local[2]] [--soak-images N]   (--help for all)
#   scripts/bench.sh --output <dir> --corpus <dir> --master spark://host:7077 --executors 1,2,4 [--executor-cores K]
# A cluster master gets the ceilings measured on its executors, one application per --executors
# count, the shaded job jar shipped to them (spark.jars); docs/throughput.md, "Benchmarking a cluster".
# --master yarn needs HADOOP_CONF_DIR, as scripts/submit.sh does.
# Without --corpus it makes an ImageNet-sized and a camera-sized JPEG corpus (kept in
# target/bench-corpora) from the photographs in --sources <dir>: by default the ones that ship with
# the project (src/test/data/nsfw-mobilenetv2/images; the camera-sized corpus needs photos with a
# shorter side of 1512 px or more: there, only the CC0 lomiri1604__seeding photograph), or <SPARKIMAGE_SHARED>/reference/nsfw-mobilenetv2/images when that
# variable names a folder holding reference/. Writes <dir>/bench.json, <dir>/report.html, Parquet tables.
#   scripts/bench.sh --output <dir> --scale 1000,10000,100000   (how cost grows with the file count: scale.json)
#   scripts/bench.sh compare <run A> <run B> [...] --output compare.html
# puts runs of the same corpora side by side, gains and regressions marked where the rounds do not overlap.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
cd "$ROOT"
if [ "${1:-}" = compare ]; then
  shift
  run_main org.sparkimage.bench.BenchCompare "$@"
  exit $?
fi
sources=()
case " $* " in
  *" --sources "*|*" --sources="*) ;;
  *) if [ -n "${SPARKIMAGE_SHARED:-}" ]; then
       sources=(--sources "$(cd "$SPARKIMAGE_SHARED" && pwd)/reference/nsfw-mobilenetv2/images")
     else
       sources=(--sources "$ROOT/src/test/data/nsfw-mobilenetv2/images")
     fi ;;
esac
master=$(master_arg "$@")
bind_driver_for "$master"
if [ "$master" = "yarn" ]; then
  [ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] || { echo "bench.sh: --master yarn needs HADOOP_CONF_DIR" >&2; exit 2; }
  # What spark-submit does: the Hadoop configuration on the driver's classpath, Spark's jars for the containers.
  export EXTRA_CLASSPATH="${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}${YARN_CONF_DIR:+$YARN_CONF_DIR:}"
  set -- --conf "spark.yarn.jars=$(tr ':' ',' <<< "$(spark_classpath)")" "$@"
fi
run_main org.sparkimage.bench.BenchCommand ${sources[@]+"${sources[@]}"} "$@"
