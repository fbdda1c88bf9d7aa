#!/usr/bin/env bash
# Ready job: label the reference photographs on local[2] into output/reference. By default the ones
# that ship with the project (samples/ and src/test/data/nsfw-mobilenetv2/images: 21 scikit-image,
# matplotlib and CC0 photographs); with SPARKIMAGE_SHARED=<dir holding reference/> (e.g. ../shared) the full
# set of 73, <dir>/reference/nsfw-mobilenetv2/images. The throughput figure in the README comes from
# this job on the full set.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${SPARKIMAGE_SHARED:-}" ]; then
  input="$(cd "$SPARKIMAGE_SHARED" && pwd)/reference/nsfw-mobilenetv2/images"
else
  input="$ROOT/{samples,src/test/data/nsfw-mobilenetv2/images}"
fi
exec "$ROOT/scripts/classify.sh" --input "$input" --output output/reference --master 'local[2]' --overwrite "$@"
