#!/usr/bin/env bash
# Ready job: label the shipped sample photos with the default model into output/samples.
exec "$(dirname "$0")/../scripts/classify.sh" --input "$(dirname "$0")/../samples" --output output/samples --overwrite "$@"
