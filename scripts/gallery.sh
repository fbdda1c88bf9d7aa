#!/usr/bin/env bash
# Label review gallery: a static HTML page over a classify output, one section per predicted label
# (thumbnails by probability, highest first) and every error row.
#   scripts/gallery.sh <output> [--html <file>] [--per-label N] [--thumb-size PX]   (--help for all)
# Writes <output>/gallery/index.html and its thumbnails (JPEG files) in <output>/gallery/thumbs/;
# open it from file://, it needs no network.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
ensure_built
run_main org.sparkimage.review.GalleryCommand "$@"
