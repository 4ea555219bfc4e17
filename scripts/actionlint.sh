#!/usr/bin/env bash
# Ensures actionlint (the GitHub Actions workflow linter, a Go module) and prints its path. Built
# once from the Go module proxy into the cache (about 30 s cold), then reused.
set -euo pipefail

version="${ACTIONLINT_VERSION:-v1.7.12}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BULKWRIGHT_CACHE:-$root/.cache}"
bin="$cache/actionlint-$version/actionlint"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "actionlint.sh: go is not on PATH; cannot build actionlint" >&2; exit 1; }
  echo "actionlint.sh: building actionlint $version (once; cached in $cache)" >&2
  GOBIN="$(dirname "$bin")" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
echo "$bin"
