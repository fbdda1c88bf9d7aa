#!/usr/bin/env bash
# How curation's analysis scales (docs/curation.md, "Scale"): curates the shipped labeled set, then
# runs cross-fitting, label issues and duplicates alone on --rows synthetic embeddings made from its
# real ones, with each step's seconds and the JVM's peak heap and resident set.
#   scripts/bench-curate.sh --output <dir> [--rows 100000] [--master local[2]]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.bench.CurateBench --sources "$ROOT/src/test/data/labeled" "$@"
