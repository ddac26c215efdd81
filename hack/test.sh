#!/usr/bin/env bash
# Runs every Go test (unit, envtest, e2e) with the race detector, prints one line per package
# and the failures, and ends with a "summary: N passed, N failed" line counting every test and
# subtest. The full verbose log is kept in bin/test.log.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
log=bin/test.log
start=$SECONDS
go test -race -count=1 -v -timeout 40m "$@" ./... >"$log" 2>&1
rc=$?
# Package results, failures with their output, and panics.
grep -E '^(ok|FAIL|---|panic:|\?)|^\s+--- FAIL|^\s+\S+_test\.go:[0-9]+:' "$log" | grep -v -- '--- PASS' | grep -v -- '--- SKIP' || true
passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  # A build failure or a crash in TestMain: show the end of the log.
  tail -n 60 "$log"
  failed=1
fi
echo "tests took $((SECONDS - start))s; full log in $log"
echo "summary: $passed passed, $failed failed, $skipped skipped"
exit $rc
