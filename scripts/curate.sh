#!/usr/bin/env bash
# Finds what is wrong in a labeled dataset: label issues (confident learning on cross-fitted heads),
# duplicate groups, least-sure-first review, Label Studio and CSV exports (driver in this JVM).
#   scripts/curate.sh --input <folder per class> --output <dir> [options]   (--help for all)
#   scripts/curate.sh --labels <path,label table: .csv or Parquet> --output <dir> [options]
# Builds the project first if needed. DRIVER_MEMORY (default 4g) sizes the JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.cli.CurateCommand "$@"
