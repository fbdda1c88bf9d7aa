#!/usr/bin/env bash
# Ready job: label the reference photographs and their hostile companions into output/review, then
# write the label review page output/review/gallery/index.html (thumbnails by label, every error row).
# By default what ships with the project: samples/, src/test/data/nsfw-mobilenetv2/images and the
# hostile files kept in src/test/data/bad-inputs (the ones the tests generate, such as truncations and
# bombs, are not on disk); with SPARKIMAGE_SHARED=<dir holding reference/> (e.g. ../shared) the full
# set, <dir>/reference/{nsfw-mobilenetv2/images,bad-inputs}.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${SPARKIMAGE_SHARED:-}" ]; then
  input="$(cd "$SPARKIMAGE_SHARED" && pwd)/reference/{nsfw-mobilenetv2/images,bad-inputs}"
else
  input="$ROOT/{samples,src/test/data/nsfw-mobilenetv2/images,src/test/data/bad-inputs}"
fi
"$ROOT/scripts/classify.sh" --input "$input" --output output/review --master 'local[2]' --overwrite "$@"
"$ROOT/scripts/gallery.sh" output/review
