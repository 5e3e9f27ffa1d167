#!/usr/bin/env bash
# Prints the path of a tool pinned in versions.json (tools.NAME: module, ref,
# package), building it once from its Go module into the toolchain cache.
#
#   bin=$(bash scripts/lib/go-tool.sh actionlint)
set -euo pipefail
name=${1:?usage: go-tool.sh NAME}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${AGGRIK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aggrik8s}
read -r module ref package < <(node -e '
  const t = require(process.argv[1]).tools[process.argv[2]];
  if (!t) { console.error(`go-tool: versions.json pins no tool "${process.argv[2]}"`); process.exit(2); }
  console.log(t.module, t.ref, t.package ?? ".");
' "$here/versions.json" "$name")
bin="$cache/bin/$name-$ref"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "[$name] error: go not found: install Go to build $name" >&2; exit 1; }
  echo "[$name] building $module@$ref ..." >&2
  t0=$(date +%s)
  json=$(go mod download -json "$module@$ref") || { echo "[$name] error: the Go module proxy has no $module@$ref" >&2; exit 1; }
  dir=$(node -e 'console.log(JSON.parse(process.argv[1]).Dir)' "$json")
  mkdir -p "$cache/bin"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$bin.partial" "$package") >&2 && mv "$bin.partial" "$bin"
  echo "[$name] built in $(( $(date +%s) - t0 ))s" >&2
fi
echo "$bin"
