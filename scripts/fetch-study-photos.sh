#!/usr/bin/env bash
# Fetches the decode study's images (docs/throughput.md, "Scaled decode: the agreement study"):
# the raster wallpapers, backgrounds and artwork of Debian packages that the shared reference set
# does NOT use (its SOURCES.md names desktop-base, lomiri-wallpapers*, mate-backgrounds,
# python-matplotlib-data, python3-skimage and ukui-wallpapers; outside checks use those).
#   scripts/fetch-study-photos.sh <dir> [--no-jpeg-copies]
# Writes <dir>/shipped/<package>/<file> (JPEG, PNG, WebP as packaged; deduplicated by sha256;
# icons, SVGs, screenshots, documentation images, files under 40 KB and images with a side under
# 256 px skipped), <dir>/MANIFEST.tsv (package, version, file, format, size, megapixels, bytes,
# sha256) and, unless --no-jpeg-copies, <dir>/jpeg-copies/: every PNG/WebP of shipped/ as a JPEG of
# the same size (quality 0.9; bench.JpegCopies), because scaled decoding changes only JPEGs.
# Uses apt-get download and dpkg-deb -x (nothing is installed). Not part of the build or the tests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <dir> [--no-jpeg-copies]" >&2; exit 2; }
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
copies=1
[ "${2:-}" = --no-jpeg-copies ] && copies=0

# Found with `apt-cache search wallpaper|backgrounds|artwork` (Debian 12), minus the reference's
# packages and those that hold no raster image of 256 px or more outside docs and icons.
PACKAGES=(
  plasma-workspace-wallpapers gnome-backgrounds sway-backgrounds lxqt-themes xfdesktop4-data fluxbox
  kanagram mypaint-data-extras
  debian-edu-artwork debian-edu-artwork-buster debian-edu-artwork-emerald debian-edu-artwork-homeworld
  debian-edu-artwork-softwaves debian-edu-artwork-spacefun
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$OUT/shipped" "$OUT/jpeg-copies"
mkdir -p "$OUT/shipped"
printf 'package\tversion\tfile\tformat\twidth\theight\tmegapixels\tbytes\tsha256\n' > "$OUT/MANIFEST.tsv"
declare -A seen=()
for pkg in "${PACKAGES[@]}"; do
  # (apt warns that it downloads as root into a folder its _apt user cannot read: harmless here)
  (cd "$work" && apt-get download -q "$pkg" 2>&1 >/dev/null | grep -v "unsandboxed" >&2 || true)
  deb=$(ls "$work"/"${pkg}"_*.deb)
  version=$(dpkg-deb -f "$deb" Version)
  mkdir -p "$work/x/$pkg"
  dpkg-deb -x "$deb" "$work/x/$pkg"
  while IFS= read -r -d '' f; do
    rel=${f#"$work/x/$pkg/"}
    case "/$rel" in
      */doc/*|*/help/*|*/icons/*|*/pixmaps/*|*/screenshot.*) continue ;;
    esac
    [ "$(stat -c %s "$f")" -ge 40960 ] || continue
    desc=$(file -b "$f")
    case "$desc" in
      JPEG*) fmt=jpeg ;; PNG*) fmt=png ;; *Web/P*) fmt=webp ;; *) continue ;;
    esac
    # The last "W x H" in file's description is the image size (JPEG descriptions start with the density).
    size=$(grep -oE '[0-9]+ ?x ?[0-9]+' <<<"$desc" | tail -1 | tr -d ' ')
    w=${size%x*}; h=${size#*x}
    [ "${w:-0}" -ge 256 ] && [ "${h:-0}" -ge 256 ] || continue
    sha=$(sha256sum "$f" | cut -d' ' -f1)
    [ -z "${seen[$sha]:-}" ] || continue
    seen[$sha]=1
    name=$(tr '/ ' '__' <<<"$rel")
    mkdir -p "$OUT/shipped/$pkg"
    cp "$f" "$OUT/shipped/$pkg/$name"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n' "$pkg" "$version" "$pkg/$name" "$fmt" "$w" "$h" \
      "$(awk -v w="$w" -v h="$h" 'BEGIN{print w*h/1e6}')" "$(stat -c %s "$f")" "$sha" >> "$OUT/MANIFEST.tsv"
  done < <(find "$work/x/$pkg" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.webp' \) -print0 | sort -z)
  rm -rf "$work/x/$pkg" "$deb"
done

echo "== per package (files: jpeg png webp)"
awk -F'\t' 'NR>1 {n[$1" "$2]++; f[$1" "$2" "$4]++} END {for (k in n) {split(k, a, " "); printf "%-32s %-24s %3d: %d %d %d\n", a[1], a[2], n[k], f[k" jpeg"], f[k" png"], f[k" webp"]}}' "$OUT/MANIFEST.tsv" | sort
echo "== sizes (megapixels)"
awk -F'\t' 'NR>1 {mp=$7; b = mp < 1 ? "<1" : mp < 2.1 ? "1-2" : mp < 4.1 ? "2-4" : mp < 8.4 ? "4-8" : mp < 15 ? "8-15" : ">=15"; c[b]++; c[$4" "b]++; t++; s+=mp}
  END {split("<1 1-2 2-4 4-8 8-15 >=15", o, " "); for (i=1;i<=6;i++) printf "%-6s MP: %3d (jpeg %d, png %d, webp %d)\n", o[i], c[o[i]], c["jpeg "o[i]], c["png "o[i]], c["webp "o[i]]; printf "%d files, mean %.1f MP\n", t, s/t}' "$OUT/MANIFEST.tsv"

if [ "$copies" = 1 ]; then
  source "$ROOT/scripts/lib.sh"
  ensure_built
  echo "== JPEG copies of the PNG/WebP files: $(run_main org.sparkimage.bench.JpegCopies "$OUT/shipped" "$OUT/jpeg-copies" 0.9) written to $OUT/jpeg-copies"
fi
