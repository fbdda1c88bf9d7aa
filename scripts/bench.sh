#!/usr/bin/env bash
# Throughput benchmark: inference ceiling C, decode+preprocess ceiling D (and javax.imageio's),
# end-to-end Spark job E and E/H with H = 1/(1/C + 1/D), per corpus, in one run.
#   scripts/bench.sh --output <dir> [--corpus <dir>]... [--master local[2]] [--soak-images N]   (--help for all)
# Without --corpus it makes an ImageNet-sized and a camera-sized JPEG corpus from the reference
# photographs (kept in target/bench-corpora). Writes <dir>/bench.json, <dir>/report.html, Parquet tables.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
cd "$ROOT"
run_main org.sparkimage.bench.BenchCommand "$@"
