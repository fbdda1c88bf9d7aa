#!/usr/bin/env bash
# Long coverage-guided fuzzing of the hand-written parsers (docs/fuzzing.md). Each target is one
# Jazzer @FuzzTest class, fuzzed for N seconds in its own JVM through the pom's fuzz-short surefire
# execution (the same setup `mvn verify` runs for a few seconds per target).
#
#   scripts/fuzz.sh [--seconds N] [--dir DIR] [target...]
#
#   --seconds N  fuzzing time per target (default 300)
#   --dir DIR    where the generated corpus (DIR/.cifuzz-corpus/<class>/<method>) and crash files
#                (DIR/crash-*) go, kept between runs (default target/fuzz)
#   target       a fuzz test class, e.g. JpegHeaderFuzzTest or JpegHeader (default: all *FuzzTest)
#
# Prints per target: seconds, executions, coverage, corpus size and findings; the full log is in
# DIR/fuzz-<timestamp>.log. Exits 1 when any target found something. A finding's crash file
# reproduces it in regression mode once copied into the target's seed directory
# src/test/resources/<package>/<Class>Inputs/<method>/ (do that with the fix).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

seconds=300
dir="$ROOT/target/fuzz"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seconds=*) seconds="${1#*=}"; shift ;;
    --dir) dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) t="$1"; [[ "$t" == *FuzzTest ]] || t="${t}*FuzzTest"; targets+=("$t"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*|0) echo "--seconds needs a positive number" >&2; exit 2 ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(find src/test/java -name '*FuzzTest.java' -printf '%f\n' | sed 's/\.java$//' | sort)
fi
tests=$(IFS=,; echo "${targets[*]}")
log="$dir/fuzz-$(date -u +%Y%m%dT%H%M%SZ).log"
before=$(ls "$dir" | grep -c '^crash-' || true)

echo "fuzzing ${#targets[@]} target(s) for ${seconds} s each; corpus and crash files in $dir" >&2
echo "log: $log" >&2
start=$(date +%s)
set +e
ORT_DISABLE_TELEMETRY=1 mvn -B test-compile surefire:test@fuzz-short \
  -Dfuzz.tests="$tests" -Dfuzz.seconds="$seconds" -Dfuzz.dir="$dir" -Dfuzz.forks=1 > "$log" 2>&1
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))

# One line per target from the log: libFuzzer's final DONE/stat line and the surefire verdict.
awk -v secs="$seconds" '
  function flush() {
    if (cls == "") return
    printf "%-28s %5s s  %10s execs  %-12s %-14s %s\n", cls, (t == "" ? "-" : t), (runs == "" ? "-" : runs), cov, corp, verdict
  }
  /\[INFO\] Running org\.sparkimage\./ { flush(); cls = $NF; sub(/.*\./, "", cls); t = ""; runs = ""; cov = ""; corp = ""; verdict = "no verdict (see log)" }
  /#[0-9]+[ \t]+DONE/ { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = "cov " $(i+1); if ($i == "corp:") corp = "corpus " $(i+1) } }
  /^Done [0-9]+ runs in [0-9]+ second/ { runs = $2; t = $5 }
  /Tests run:.* -- in org\.sparkimage\./ {
    verdict = ($0 ~ /FAILURE/) ? "FAILED (see log)" : "no findings"
  }
  /Test unit written to/ { sub(/.*Test unit written to /, ""); verdict = "FINDING: " $0 }
  END { flush() }
' "$log"
grep -E "FuzzTestFinding|Caused by:|== Java Exception:" "$log" | sort | uniq -c | sort -rn | head -20 || true
after=$(ls "$dir" | grep -c '^crash-' || true)
echo "total ${elapsed} s; new crash files: $(( after - before )); maven exit code $rc" >&2
if [ $rc -ne 0 ] && [ "$after" -eq "$before" ] && ! grep -q "FuzzTestFinding" "$log"; then
  echo "maven failed without a finding; see $log" >&2
  exit 2
fi
[ $rc -eq 0 ]
