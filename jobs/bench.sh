#!/usr/bin/env bash
# Ready job: the throughput benchmark on the default corpora (2000 ImageNet-sized and 150
# camera-sized JPEGs made from the reference photographs) on local[2], plus a 20000-image soak run
# for memory; results in output/bench (bench.json, report.html). The figures in docs/throughput.md
# come from this job.
exec "$(dirname "$0")/../scripts/bench.sh" --output output/bench --master 'local[2]' "$@"
