#!/usr/bin/env bash
# Builds src/main/c/jpegrows.c (the row-selective JPEG decode) into target/classes during the
# Maven build (process-classes). Optional: without gcc, or on a platform other than Linux x86_64,
# it prints why and exits 0; the decoder then reads whole images as before (same labels, slower).
#   build-native.sh <target dir> <java home>
set -euo pipefail
target=$1
java_home=$2
src="$(cd "$(dirname "$0")/.." && pwd)/src/main/c/jpegrows.c"
lep="$target/native/leptonica/org/bytedeco/leptonica/linux-x86_64"
out_dir="$target/classes/org/sparkimage/image/native/linux-x86_64"
out="$out_dir/libsparkimage-jpegrows.so"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "build-native: $(uname -s)-$(uname -m) has no build of the row decoder; JPEGs are decoded whole" >&2
  exit 0
fi
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null; then
  echo "build-native: WARNING no C compiler ($cc); JPEGs are decoded whole (same labels, slower on large photos)" >&2
  exit 0
fi
if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$lep/libleptonica.so.6" ]]; then
  exit 0
fi
mkdir -p "$out_dir"
# Linked against the libleptonica.so.6 that JavaCPP loads first: its libjpeg-turbo 3 (and the
# jpeglib.h shipped beside it), resolved at load time by soname from the already loaded library.
"$cc" -O2 -fPIC -shared -Wall -Wextra -Werror \
  -I"$java_home/include" -I"$java_home/include/linux" -I"$lep/include" \
  -o "$out" "$src" "$lep/libleptonica.so.6" -Wl,--no-undefined
echo "build-native: built $out"
