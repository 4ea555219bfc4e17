#!/usr/bin/env bash
# Ensures a FerretDB binary the test harness can start, and prints its path.
#
# Why not `go install …@v1.24.2`: the module ships build/version/version.txt empty and the binary
# panics at start ("Invalid build/version/version.txt file content"). We copy the module out of the
# Go module cache, write the version into it, and build that copy. Cold: ~90 s; cached: instant.
set -euo pipefail

version="${FERRETDB_VERSION:-v1.24.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BULKWRIGHT_CACHE:-$root/.cache}"
bin="$cache/ferretdb-$version/ferretdb"

if [ -n "${FERRETDB_BIN:-}" ]; then echo "$FERRETDB_BIN"; exit 0; fi
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "test-server.sh: go is not on PATH; cannot build FerretDB" >&2; exit 1; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOFLAGS="${GOFLAGS:-} -mod=mod"
mod="github.com/FerretDB/FerretDB@$version"
echo "test-server.sh: building FerretDB $version (once; cached in $cache)" >&2
# `go mod download` needs a module context only for -json; a bare download works anywhere.
dir="$(cd "$work" && go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$dir" ] || { echo "test-server.sh: go mod download $mod gave no directory" >&2; exit 1; }
cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"
printf '%s' "$version" > "$work/src/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "$bin"
