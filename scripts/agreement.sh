#!/usr/bin/env bash
# The agreement harness: classifies one folder under two settings with the real decoder and ONNX
# Runtime, through the job (local Spark), and reports top-1 agreement (all images and those whose
# reference margin is over 0.2), |dp| mean/p99/max, error rows and flipped images, plus each side's
# decode+preprocess speed as a ratio (docs/throughput.md, "Scaled decode: the agreement study").
#   scripts/agreement.sh --images <dir> [--a "--decode full"] [--b "--decode scaled"] [--json <file>]   (--help for all)
# Each side is a string of the classify command's per-image options (batch size, decode, ...).
#   scripts/agreement.sh rules --images <dir> [--factors 1,2,4,8] [--json <file>]
# The scale-rule study: candidate DCT scale rules against full decode, in one JVM without Spark.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
cd "$ROOT"
if [ "${1:-}" = rules ]; then
  shift
  run_main org.sparkimage.bench.ScaleRuleStudy "$@"
else
  run_main org.sparkimage.bench.AgreementCommand "$@"
fi
