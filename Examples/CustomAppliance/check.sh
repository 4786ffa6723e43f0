#!/usr/bin/env bash
# Builds this example package (its own binary, from the Cairn package at ../..), serves it on
# a temporary directory with --port 0, creates an instance of each of its workflows over HTTP
# with the generated token, waits until both are complete, and stops the server.
# Exits non-zero on any failure. Run from anywhere: Examples/CustomAppliance/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$here/.build-example"

started=$(date +%s)
swift build --package-path "$here" --scratch-path "$scratch"
echo "check: example build took $(( $(date +%s) - started ))s"
binary="$(swift build --package-path "$here" --scratch-path "$scratch" --show-bin-path)/word-appliance"

work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-example.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check: FAILED: $*" >&2
  [ -f "$work/serve.log" ] && { echo "--- serve log ---" >&2; tail -n 40 "$work/serve.log" >&2; }
  exit 1
}

cp "$here/cairn.toml" "$work/cairn.toml"
cd "$work"
"$binary" config check --config cairn.toml > config-check.txt || fail "config check refused the sample config"
grep -q "long-words  type=word-count" config-check.txt || fail "config check does not list long-words"
grep -q "word-count  registered in code" config-check.txt || fail "config check does not list word-count"

"$binary" serve --config cairn.toml --port 0 --log-format json 2> serve.log &
pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(grep '"message":"listening"' serve.log | grep -o '"port":"[0-9]*"' | grep -o '[0-9]\+' | head -n 1 || true)"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "serve exited before listening"
  sleep 0.1
done
[ -n "$port" ] || fail "serve did not listen within 30 s"
token="$(tr -d '[:space:]' < var/api-token)"
base="http://127.0.0.1:$port"
api() { curl -fsS --max-time 10 -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }

for workflow in word-count long-words; do
  api -X POST -d '{"id": "check-1", "params": {"text": "Durable workflows on your own machine"}}' \
    "$base/workflows/$workflow/instances" > /dev/null || fail "creating an instance of $workflow"
done
for workflow in word-count long-words; do
  status=""
  for _ in $(seq 1 300); do
    answer="$(api "$base/workflows/$workflow/instances/check-1")" || fail "reading instance check-1 of $workflow"
    status="$(printf '%s' "$answer" | grep -o '"status":"[a-zA-Z]*"' | head -n 1 | cut -d'"' -f4)"
    case "$status" in
      complete) break ;;
      errored|terminated) fail "$workflow/check-1 ended $status: $answer" ;;
    esac
    sleep 0.1
  done
  [ "$status" = complete ] || fail "$workflow/check-1 is '$status' after 30 s"
  echo "check: $workflow/check-1 complete: $(printf '%s' "$answer" | grep -o '"output":{[^}]*}' | head -n 1)"
done
printf '%s' "$(api "$base/workflows/word-count/instances/check-1")" | grep -q '"output":{"longest":"workflows","words":6}' \
  || fail "word-count output is not {longest: workflows, words: 6}"
printf '%s' "$(api "$base/workflows/long-words/instances/check-1")" | grep -q '"words":3' \
  || fail "long-words (min_length 5) did not count 3 words"

# The package's binary is the whole cairn CLI, pointed at its own server.
"$binary" instances describe word-count check-1 --url "$base" --token-file var/api-token | grep -q "Status:    complete" \
  || fail "the CLI's describe does not show the instance complete"

kill -TERM "$pid"
wait "$pid" || fail "serve exited non-zero on SIGTERM"
pid=""
echo "check: custom appliance OK"
