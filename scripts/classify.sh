#!/usr/bin/env bash
# Runs the classification job locally (driver in this JVM, default master local[*]).
#   scripts/classify.sh --input <path|glob|URI> --output <dir> [options]   (--help for all)
# Builds the project first if needed. DRIVER_MEMORY (default 4g) sizes the JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
# An @argfile keeps the ~20 KB classpath off the process command line.
args=$(mktemp)
trap 'rm -f "$args"' EXIT
printf -- '-cp\n%s\n' "$(runtime_classpath)" > "$args"
export ORT_DISABLE_TELEMETRY=1
java $(module_flags) -Xmx"${DRIVER_MEMORY:-4g}" -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  @"$args" org.sparkimage.job.ClassifyCommand "$@"
