#!/usr/bin/env bash
# Object-store benchmark: the ImageNet-sized corpus on local disk and in a bucket of a real S3
# server (S3Proxy on 127.0.0.1) behind a proxy that adds a fixed delay to every request; reports
# E_local and E_s3 at each delay (with and without read-ahead) and the requests sent, then listing
# time, requests and driver heap per file for --listing-keys objects in one prefix and spread over
# --listing-prefixes prefixes. Runs from the test classpath (S3Proxy is test tooling).
#   scripts/bench-s3.sh --output <dir> [--images 2000] [--delays-ms 0,20,50] [--rounds 2]   (--help for all)
# Writes <dir>/bench-s3.json and prints the tables of docs/throughput.md, "Object stores".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
mvn -q -B -DskipTests test-compile >&2
args=$(mktemp)
trap 'rm -f "$args"' EXIT
printf -- '-cp\n%s:%s:%s\n' "$ROOT/target/test-classes" "$ROOT/target/classes" "$(cat "$ROOT/target/test-classpath.txt")" > "$args"
export ORT_DISABLE_TELEMETRY=1
java $(module_flags) -Xmx"${DRIVER_MEMORY:-4g}" -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  @"$args" org.sparkimage.bench.ObjectStoreBench "$@"
