#!/usr/bin/env bash
# One database's whole suite in two lanes at once: the tests that serve the app live (browser journeys,
# live_server: marked `live` by conftest.py) one at a time in a process of their own, and beside them
# every other test, spread over $TEST_WORKERS processes (pytest-xdist). The live tests flush and lock
# their database, which broke the tests that followed them on a shared worker; each lane has its own
# test databases (test_<name> and test_<name>_gw0…), so neither touches the other's. The live lane's
# output is printed whole after the other's. Fails when either lane fails.
set -uo pipefail
pytest="${PYTEST:-.venv/bin/pytest}"
workers="${TEST_WORKERS:-2}"

if [ "$workers" = "0" ]; then
  exec "$pytest" "$@"
fi

live_log="$(mktemp -t live-lane.XXXXXX)"
trap 'rm -f "$live_log"' EXIT
"$pytest" -m live "$@" >"$live_log" 2>&1 &
live_pid=$!
"$pytest" -m "not live" -n "$workers" --dist loadscope "$@"
others=$?
wait "$live_pid"
live=$?
echo "---------------- the live tests (run beside the others) ----------------"
cat "$live_log"
if [ "$others" -ne 0 ] || [ "$live" -ne 0 ]; then
  echo "FAILED: the live tests exit $live, the others exit $others" >&2
  exit 1
fi
