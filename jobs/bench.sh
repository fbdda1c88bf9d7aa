#!/usr/bin/env bash
# Ready job: the throughput benchmark on local[2] over the default corpora made from the reference
# photographs (6000 ImageNet-sized JPEGs; 1800 camera-sized 12 MP JPEGs, 150 distinct), then a
# 20000-image soak run for memory; results in output/bench (bench.json, report.html, Parquet).
# The figures in docs/throughput.md come from this job.
exec "$(dirname "$0")/../scripts/bench.sh" --output output/bench --master 'local[2]' --soak-images 20000 "$@"
