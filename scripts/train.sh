#!/usr/bin/env bash
# Trains a head for your own classes on MobileNetV2 embeddings and writes backbone + head as one
# ONNX model, with metrics.json and report.html (driver in this JVM, default master local[*]).
#   scripts/train.sh --input <folder per class> --output <dir> [options]   (--help for all)
#   scripts/train.sh --labels <path,label table: .csv or Parquet> --output <dir> [options]
# Builds the project first if needed. DRIVER_MEMORY (default 4g) sizes the JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.cli.TrainCommand "$@"
