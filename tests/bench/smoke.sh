#!/bin/sh
# make check's smoke run of the benchmark (issue 5): every step of tests/bench/run.sh on a
# few thousand observations, so that the harness cannot rot. It checks that each step runs
# and that its answers are right (the CSV download holds the rows loaded, updatedAfter the
# observations changed); it judges no figure. TAP, one test; skipped without wrk or nginx.
top=$(cd "$(dirname "$0")/../.." && pwd)
sdmxd=${SDMXD:-./sdmxd}
dir=$(mktemp -d /tmp/sdmxd-bench-smoke.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "1..1"
"$top/tests/bench/run.sh" --small --out "$dir" --sdmxd "$sdmxd" >"$dir.log" 2>&1
rc=$?
sed 's/^/# /' "$dir.log"
rm -f "$dir.log"
case $rc in
0) echo "ok 1 - tests/bench/run.sh --small: every step ran" ;;
77) echo "ok 1 - tests/bench/run.sh --small # SKIP a benchmark tool is missing" ;;
*) echo "not ok 1 - tests/bench/run.sh --small: exit $rc" ;;
esac
