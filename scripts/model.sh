#!/usr/bin/env bash
# MobileNetV2 tools:
#   scripts/model.sh summary [--width 1.0] [--resolution 224] [--classes 1000] [--padding symmetric|tf_same] [--channels divisible8|seed]
#   scripts/model.sh build   --output m.onnx [--width W] [--resolution R] [--classes N] [--seed S]
#   scripts/model.sh inspect <file.onnx>
#   scripts/model.sh quantize --calibration <dir> --output int8.onnx [--model default] [--calibration-images 256] [--int8-cache DIR|none]
#   scripts/model.sh import-pytorch <file.pt|.pth> --output m.onnx [--classes labels.txt|a,b,c] [--variant seed|torchvision]
#                                   [--width W] [--resolution R] [--mean R,G,B] [--std R,G,B] [--bn-eps 1e-5]
#   scripts/model.sh adopt <exported.onnx> --output m.onnx [--classes ...] [--model-card card.json]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
export ORT_DISABLE_TELEMETRY=1
args=$(mktemp)
trap 'rm -f "$args"' EXIT
printf -- '-cp\n%s\n' "$(runtime_classpath)" > "$args"
if [ "${1:-}" = quantize ]; then
  shift
  java @"$args" org.sparkimage.cli.QuantizeCommand "$@"
elif [ "${1:-}" = import-pytorch ]; then
  shift
  java @"$args" org.sparkimage.cli.ImportPyTorchCommand "$@"
elif [ "${1:-}" = adopt ]; then
  shift
  java @"$args" org.sparkimage.cli.AdoptOnnxCommand "$@"
else
  java @"$args" org.sparkimage.model.ModelTool "$@"
fi
