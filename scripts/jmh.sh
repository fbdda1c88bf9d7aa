#!/usr/bin/env bash
# JMH micro-benchmarks of the hot kernels: JPEG decode (libjpeg-turbo scaled/full vs javax.imageio)
# and preprocessing (resize + normalise + tensor fill). Arguments go to JMH, e.g.
#   scripts/jmh.sh DecodeBenchmark -p size=large        scripts/jmh.sh -h
# Uses the photographs that ship in src/test/data. Results: target/jmh-result.json as well as the console.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mvn -q -B -DskipTests test-compile >&2
args=$(mktemp)
trap 'rm -f "$args"' EXIT
printf -- '-cp\n%s:%s:%s\n' "$ROOT/target/test-classes" "$ROOT/target/classes" "$(cat "$ROOT/target/test-classpath.txt")" > "$args"
export ORT_DISABLE_TELEMETRY=1
java @"$args" org.openjdk.jmh.Main -rf json -rff target/jmh-result.json "$@"
