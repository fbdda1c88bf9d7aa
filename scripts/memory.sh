#!/usr/bin/env bash
# Off-heap memory of ONNX Runtime per session and per batch image, measured in fresh JVMs with a
# fixed, pre-touched heap: the figures behind the job's sizing of spark.executor.memoryOverhead
# (docs/cluster.md, "Executor memory on YARN").   scripts/memory.sh [--batch-sizes 1,4,16,32,64] [--threads 1,2]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
cd "$ROOT"
DRIVER_MEMORY=${DRIVER_MEMORY:-1g} run_main org.sparkimage.bench.OffHeapMemory "$@"
