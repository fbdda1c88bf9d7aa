#!/usr/bin/env bash
# Ready job: the throughput benchmark on local[2] over the default corpora (6000 ImageNet-sized JPEGs;
# 1800 camera-sized 12 MP JPEGs, 150 distinct), then a 20000-image soak run for memory; results in
# output/bench (bench.json, report.html, Parquet). The corpora are made from the photographs that
# ship with the project (scripts/bench.sh: src/test/data/nsfw-mobilenetv2/images), or from the full reference set with
# SPARKIMAGE_SHARED=<dir holding reference/>; the figures in docs/throughput.md were measured on
# corpora made from the full set (SPARKIMAGE_SHARED=../shared).
exec "$(dirname "$0")/../scripts/bench.sh" --output output/bench --master 'local[2]' --soak-images 20000 "$@"
