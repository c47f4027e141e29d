#!/bin/sh
# sdmxd benchmarks at real scale (issue 5): generates the data sets in a scratch directory
# (default /tmp/sdmxd-bench; BENCH_DIR or --out to change it), runs every step against its
# baseline and prints a table. See docs/performance.md.
#
#   tests/bench/run.sh            the full run (about 2.5 million SDG observations; minutes)
#   tests/bench/run.sh --small    a few thousand observations, seconds (for make check)
#
# Other options: --out DIR, --csv FILE (raw figures), --duration S (wrk), --keep, --sdmxd PATH.
# Needs: python3, xmllint, curl, /usr/bin/time (package time), wrk, nginx (or busybox httpd).
# Exit status: 0 all steps ran, 1 a step failed, 77 a tool is missing (skipped).
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/bench.py" "$@"
