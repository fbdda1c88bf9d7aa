#!/usr/bin/env bash
# Regenerates the shipped default model from the npm package it comes from, and checks that the
# result is byte-identical to the committed file (same sha256). Needs npm and a built project.
#   scripts/import-default-model.sh           # verify
#   scripts/import-default-model.sh --write   # overwrite the committed model
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=nsfwjs@4.4.0
OUT=src/main/resources/org/sparkimage/model/nsfwjs-mobilenetv2.onnx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PKG" >/dev/null && tar xzf nsfwjs-*.tgz)
dir="$work/package/dist/models/mobilenet_v2"
# The importer's command line is picocli: run it on the compile classpath the build writes.
[ -f target/classes/org/sparkimage/model/ImportTfjsModel.class ] && [ -f target/classpath.txt ] || mvn -q -B compile
printf -- '-cp\n%s\n' "target/classes:$(cat target/classpath.txt)" > "$work/cp.args"
target="$work/model.onnx"
java @"$work/cp.args" org.sparkimage.model.ImportTfjsModel \
  --model "$dir/model.min.js" --weights "$dir/group1-shard1of1.min.js" \
  --card conf/models/nsfwjs-mobilenetv2.card.json --output "$target" \
  --source-note "npm $PKG dist/models/mobilenet_v2" | tail -3

new=$(sha256sum "$target" | cut -d' ' -f1)
if [ "${1:-}" = "--write" ]; then
  cp "$target" "$OUT"
  echo "$new  nsfwjs-mobilenetv2.onnx" > "$OUT.sha256"
  echo "wrote $OUT ($new)"
else
  old=$(cut -d' ' -f1 "$OUT.sha256")
  if [ "$new" = "$old" ] && [ "$(sha256sum "$OUT" | cut -d' ' -f1)" = "$old" ]; then
    echo "OK: regenerated model is identical to the committed one ($new)"
  else
    echo "MISMATCH: regenerated $new, committed $old" >&2
    exit 1
  fi
fi
