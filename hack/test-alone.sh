#!/usr/bin/env bash
# Runs every top-level test on its own, one process per test, to prove that no test depends on
# what the tests before it in its package did (make test-alone; the suite itself is make test).
# Each package's test binary is built once; its tests run one by one from the package's folder,
# as `go test` runs them. Arguments are package patterns (default ./...). Prints one line per
# failing test and ends with "alone: N passed, N failed"; the output of each failure is kept in
# bin/alone/.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/bin/alone
rm -rf "$out" && mkdir -p "$out"
start=$SECONDS
passed=0 failed=0
module=$(go list -m)
for pkg in $(go list "${@:-./...}"); do
  dir=$root${pkg#"$module"}
  bin=$out/$(echo "${pkg#"$module"/}" | tr / _).test
  go test -c -o "$bin" "$pkg" >"$bin.build.log" 2>&1 || { echo "BUILD FAIL $pkg"; cat "$bin.build.log"; failed=$((failed + 1)); continue; }
  [[ -x $bin ]] || continue # no test files
  # Listing runs the package's TestMain too, which may start a control plane: from its folder.
  if ! tests=$(cd "$dir" && "$bin" -test.list '^Test' 2>"$bin.list.log"); then
    echo "LIST FAIL $pkg"; tail -n 20 "$bin.list.log"; failed=$((failed + 1)); continue
  fi
  for t in $(grep '^Test' <<<"$tests"); do
    log=$out/$(basename "$bin" .test).$t.log
    if (cd "$dir" && "$bin" -test.run "^${t}\$" -test.count=1 -test.timeout 20m >"$log" 2>&1); then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL $pkg $t (alone; output in ${log#"$root"/})"
    fi
  done
done
echo "tests alone took $((SECONDS - start))s"
echo "alone: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
