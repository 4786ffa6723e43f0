#!/usr/bin/env bash
# Runs every fuzz target (Fuzz/build.sh builds them) for SECONDS each (default 10) over its
# seed corpus in Fuzz/corpus/<target>/; new inputs libFuzzer finds go to .build/fuzz/corpus/,
# not into the repository. A crash stops with the input saved as .build/fuzz/crash-<target>-*,
# printed, and a non-zero exit: turn it into a regression test and a seed (see Fuzz/README.md).
#   Fuzz/run.sh                 # about a minute in all (as .ci/run does)
#   Fuzz/run.sh 3600 cron       # one target for an hour
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cron webhooks template filenames values)
for target in "${targets[@]}"; do
  found=.build/fuzz/corpus/$target
  mkdir -p "$found"
  echo "fuzz $target: $seconds s"
  log=.build/fuzz/run-$target.log
  # Swift's own backtracer would outlive a crashed target and keep the run waiting.
  status=0
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 .build/fuzz/"fuzz-$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=0 \
    -artifact_prefix=".build/fuzz/crash-$target-" "$found" "Fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  grep -E "^Done [0-9]+ runs|ERROR|==[0-9]+==|Test unit written|panic|Fatal error|precondition" "$log" || true
  if ls .build/fuzz/crash-"$target"-* >/dev/null 2>&1; then
    echo "fuzz $target: CRASH, input in $(ls .build/fuzz/crash-"$target"-* | head -1); output in $log" >&2
    exit 1
  fi
  # A target that never ran (missing binary, bad flag) must not pass as "no crash".
  if [ "$status" -ne 0 ] || ! grep -qE "^Done [0-9]+ runs" "$log"; then
    echo "fuzz $target: did not complete a run (exit $status); output in $log. Build the targets first: Fuzz/build.sh" >&2
    exit 1
  fi
done
echo "fuzz: every target ran ${seconds} s without a crash"
