#!/usr/bin/env bash
# What teaching the model costs next to labeling with it (docs/training.md, "Measured"): a labeled
# corpus of ImageNet-sized JPEGs made from the shipped labeled set, then per round the classify job
# and the train command on it; embedding images/s against the job's, training seconds against
# embedding seconds, and the training step alone on --memory-rows embeddings with peak heap/RSS.
#   scripts/bench-train.sh --output <dir> [--images 10000] [--rounds 2] [--memory-rows 100000] [--master local[2]]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.bench.TrainBench --sources "$ROOT/src/test/data/labeled" "$@"
