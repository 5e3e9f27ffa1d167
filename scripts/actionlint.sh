#!/usr/bin/env bash
# Lints .github/workflows with actionlint, built once from its Go module into
# the toolchain cache (version pinned in versions.json).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(bash "$here/scripts/lib/go-tool.sh" actionlint)
cd "$here"
"$bin" -no-color .github/workflows/*.yml
echo "[actionlint] $(ls .github/workflows/*.yml | wc -l) workflow(s): no problems"
