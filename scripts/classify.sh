#!/usr/bin/env bash
# Runs the classification job locally (driver in this JVM, default master local[*]).
#   scripts/classify.sh --input <path|glob|URI> --output <dir> [options]   (--help for all)
# Builds the project first if needed. DRIVER_MEMORY (default 4g) sizes the JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.cli.ClassifyCommand "$@"
