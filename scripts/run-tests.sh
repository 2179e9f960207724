#!/bin/sh
# run-tests.sh - `make test`: host unit tests, then boot and config tests.
#
# Unit tests print their own "N passed, N failed" line; the boot and config
# tests run in one pytest session (two workers), whose summary line is the
# last line of the output. Exit status is non-zero if any layer failed.
set -u
cd "$(dirname "$0")/.."
start=$(date +%s)
status=0

echo "== unit tests"
make -s check-unit || status=1

echo "== boot and config tests"
/usr/bin/python3 -m pytest -n 2 -q -p no:cacheprovider tests/boot tests/config
rc=$?
[ $rc -eq 0 ] || status=1

echo "make test: $(( $(date +%s) - start )) s"
/usr/bin/python3 -m pytest --version >/dev/null 2>&1 || true
exit $status
