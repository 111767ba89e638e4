#!/usr/bin/env bash
# Runs every fuzz target for a bounded number of executions (FUZZTIME,
# default 100000x each). A count, not a duration: with a duration Go 1.26
# can fail a clean run with "context deadline exceeded" when the deadline
# races a busy worker (go.dev/issue/75804, fixed in Go 1.27).
# `go test ./...` already runs their seed corpora; this explores beyond them.
# A failing input is saved under the package's testdata/fuzz/ — commit it
# with the fix, and it becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-100000x}"
git grep -l '^func Fuzz' -- '*_test.go' | while read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >/tmp/fuzz-$target.log 2>&1 \
      || { cat /tmp/fuzz-$target.log; exit 1; }
  done
done
