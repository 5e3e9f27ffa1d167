#!/usr/bin/env bash
# Lints .github/workflows with actionlint, built once from its Go module into
# the toolchain cache (version pinned in versions.json).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${AGGRIK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aggrik8s}
read -r module ref < <(node -e 'const t = require(process.argv[1]).tools.actionlint; console.log(t.module, t.ref)' "$here/versions.json")
bin="$cache/bin/actionlint-$ref"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "[actionlint] error: go not found: install Go to build actionlint" >&2; exit 1; }
  echo "[actionlint] building $module@$ref" >&2
  json=$(go mod download -json "$module@$ref") || { echo "[actionlint] error: the Go module proxy has no $module@$ref" >&2; exit 1; }
  dir=$(node -e 'console.log(JSON.parse(process.argv[1]).Dir)' "$json")
  mkdir -p "$cache/bin"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$bin.partial" ./cmd/actionlint) && mv "$bin.partial" "$bin"
fi
cd "$here"
"$bin" -no-color .github/workflows/*.yml
echo "[actionlint] $(ls .github/workflows/*.yml | wc -l) workflow(s): no problems"
