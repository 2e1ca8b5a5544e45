#!/bin/sh
# Every test (`npm test`): builds, then runs vitest while the type check and lint run beside it at
# the lowest CPU priority (nice 19). The real-network tests wait on blocks far more than they
# compute, so the checks finish in CPU time the tests leave idle instead of adding their three to
# four minutes before the first test; at that priority they take almost nothing from a test that
# wants the CPU. The run fails when the tests or the checks fail; the checks' output is printed
# after the tests'. Arguments go to `vitest run`.
set -u
cd "$(dirname "$0")/.." || exit 1

npm run build || exit $?

checks_log=$(mktemp "${TMPDIR:-/tmp}/consent-ledger-checks.XXXXXX") || exit 1
nice -n 19 sh -c 'npm run typecheck && npm run lint' >"$checks_log" 2>&1 &
checks_pid=$!

vitest run "$@"
tests_status=$?

wait "$checks_pid"
checks_status=$?
echo
echo "== Type check and lint (ran beside the tests at nice 19): exit code $checks_status =="
cat "$checks_log"
rm -f "$checks_log"

if [ "$tests_status" -ne 0 ]; then exit "$tests_status"; fi
exit "$checks_status"
