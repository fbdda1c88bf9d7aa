#!/usr/bin/env bash
# Ready job: label the shared reference photographs and their hostile companions
# (../shared/reference/{nsfw-mobilenetv2/images,bad-inputs}) into output/review, then write the
# label review page output/review/gallery/index.html (thumbnails by label, every error row).
set -euo pipefail
HERE=$(dirname "$0")
"$HERE/../scripts/classify.sh" --input "$HERE/../../shared/reference/{nsfw-mobilenetv2/images,bad-inputs}" \
  --output output/review --master 'local[2]' --overwrite "$@"
"$HERE/../scripts/gallery.sh" output/review
