#!/usr/bin/env bash
# The project's test command: all tests, unit and integration (real local Spark, ONNX Runtime,
# Parquet, image files), on the test data that ships in src/test/data.
#   scripts/test.sh [--shared <dir>] [maven arguments...]
# --shared <dir> (or env SPARKIMAGE_SHARED=<dir>): a folder holding reference/ (the full reference
# set, e.g. ../shared); the tests that need it run as well instead of being reported as skipped.
# GalleryTest renders the review page in a real headless Chromium (/usr/bin/chromium): Debian's
# package is installed first when it is missing (as root, or through passwordless sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
export ORT_DISABLE_TELEMETRY=1
shared=${SPARKIMAGE_SHARED:-}
unset SPARKIMAGE_SHARED # passed on as -Dsparkimage.shared only, so that tests can also run without it
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shared) shared=${2:?--shared needs a folder}; shift 2 ;;
    --shared=*) shared=${1#--shared=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -n "$shared" ]; then
  [ -d "$shared/reference" ] || { echo "error: $shared/reference does not exist (--shared / SPARKIMAGE_SHARED)" >&2; exit 2; }
  args=("-Dsparkimage.shared=$(cd "$shared" && pwd)" ${args[@]+"${args[@]}"})
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
      || echo "warning: installing chromium failed; GalleryTest will fail" >&2
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
      || echo "warning: installing chromium failed; GalleryTest will fail" >&2
  else
    echo "warning: /usr/bin/chromium is missing and neither root nor passwordless sudo is available; GalleryTest will fail" >&2
  fi
fi
exec mvn -B verify ${args[@]+"${args[@]}"}
