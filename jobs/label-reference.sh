#!/usr/bin/env bash
# Ready job: label the shared reference photographs (../shared/reference/nsfw-mobilenetv2/images)
# on local[2] into output/reference; the throughput figure in the README comes from this job.
exec "$(dirname "$0")/../scripts/classify.sh" --input "$(dirname "$0")/../../shared/reference/nsfw-mobilenetv2/images" \
  --output output/reference --master 'local[2]' --overwrite "$@"
