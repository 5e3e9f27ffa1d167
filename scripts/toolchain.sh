#!/usr/bin/env bash
# Builds the pinned Terraform providers (and, when no `terraform` is on PATH,
# the OpenTofu engine) from their Go modules into a filesystem mirror outside
# the repo, so validation runs against the real binaries with no registry.
#
#   scripts/toolchain.sh            build what is missing, print progress; exit 1
#                                   naming every provider (or OpenTofu) it could not build
#   scripts/toolchain.sh --allow-partial
#                                   ... exit 0 after a partial build (still named, as PARTIAL)
#   scripts/toolchain.sh --strict   the default (kept for scripts that pass it)
#   scripts/toolchain.sh --env      print the shell exports for the cache
#   scripts/toolchain.sh --with-opentofu
#                                   ... and build OpenTofu even when terraform is on PATH
#                                   (proofs/state.ts uses it for state encryption)
#
# Each provider is built at its exact pin: from its release-source archive
# (`go.archive` in versions.json) when the folder named by
# $AGGRIK8S_PROVIDER_SRC holds it, with `go.replace` archives unpacked beside
# it for dependencies the module proxy refuses; else from `go.module`@`go.ref`
# through the Go module proxy. One that neither route builds is reported and
# the others are still built and mirrored (the engine takes the missing ones
# from the registry), but the run exits 1 naming it, so a partial build never
# reads as success (--allow-partial: exit 0, still reported as PARTIAL).
#
# Cache: $AGGRIK8S_CACHE, else $XDG_CACHE_HOME/aggrik8s, else ~/.cache/aggrik8s.
# Idempotent: a provider whose binary is already in the mirror is skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${AGGRIK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aggrik8s}
mirror="$cache/providers"
bindir="$cache/bin"
rc="$cache/terraform.rc"
os_arch="$(go env GOOS 2>/dev/null || uname -s | tr 'A-Z' 'a-z')_$(go env GOARCH 2>/dev/null || echo amd64)"

log() { printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] error: %s\n' "$*" >&2; exit 1; }

# Reads versions.json once; lines of "name source version module ref archive
# replaces" ("-" where there is none; replaces as module=archive,...).
pins() {
  node -e '
    const v = require(process.argv[1]);
    for (const [name, p] of Object.entries(v.providers)) {
      const rep = Object.entries(p.go.replace ?? {}).map(([m, a]) => `${m}=${a}`).join(",") || "-";
      console.log([name, p.source, p.version, p.go.module, p.go.ref, p.go.archive ?? "-", rep].join(" "));
    }
  ' "$here/versions.json"
}
engine_pin() {
  node -e 'const e = require(process.argv[1]).engine.opentofu; console.log(e.version, e.go.module, e.go.ref)' "$here/versions.json"
}

engine() {
  if [ -n "${TERRAFORM_BINARY_NAME:-}" ] && command -v "$TERRAFORM_BINARY_NAME" >/dev/null; then
    command -v "$TERRAFORM_BINARY_NAME"
  elif command -v terraform >/dev/null; then
    command -v terraform
  elif command -v tofu >/dev/null; then
    command -v tofu
  else
    echo "$bindir/tofu"
  fi
}

print_env() {
  printf 'export TERRAFORM_BINARY_NAME=%q\n' "$(engine)"
  printf 'export TF_CLI_CONFIG_FILE=%q\n' "$rc"
  printf 'export AGGRIK8S_MIRROR=%q\n' "$mirror"
}

usage() {
  cat <<'USAGE'
usage: npm run toolchain -- [options]

Builds every pinned provider at its exact version (release sources in
$AGGRIK8S_PROVIDER_SRC, else the Go module proxy), and OpenTofu when no engine
is on PATH, into a filesystem mirror outside the repo.

Exits 1, naming each, when any pinned provider (or the OpenTofu it needs)
could not be built; the ones built are mirrored all the same.

options:
  --allow-partial  exit 0 after a partial build (still reported as PARTIAL)
  --strict  the default: fail when any pinned provider cannot be built
  --with-opentofu  build OpenTofu even when terraform is on PATH
  --env  print the shell exports for the mirror and exit
  -h, --help  show this and exit
USAGE
}
allow_partial=false
with_opentofu=false
for arg in "$@"; do
  case $arg in
    --strict) allow_partial=false ;;
    --allow-partial) allow_partial=true ;;
    --with-opentofu) with_opentofu=true ;;
    --env) print_env; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'toolchain: unknown option %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done

command -v node >/dev/null || die "node not found: install Node.js 20 (the repo's npm scripts need it too)"
command -v go >/dev/null || die "go not found: install Go >= 1.24 from https://go.dev/dl, or skip this script and let terraform fetch providers from the registry"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath"

mkdir -p "$mirror" "$bindir"
start=$(date +%s)

# Downloads a module (the proxy's errors are long and cryptic: name the cause
# first) and prints its directory in the module cache.
module_dir() {
  local module=$1 ref=$2 json
  json=$(go mod download -json "$module@$ref" 2>/dev/null) || true
  node -e '
    let j; try { j = JSON.parse(process.argv[1]) } catch { j = { Error: "no answer from go mod download" } }
    if (j.Error) { console.error(j.Error.split("\n")[0]); process.exit(1) }
    console.log(j.Dir)' "$json"
}

mirror_path() { # source version -> binary path in the mirror
  local ns type
  ns=$(echo "${1%%/*}" | tr 'A-Z' 'a-z')
  type=${1##*/}
  echo "$mirror/registry.terraform.io/$ns/$type/$2/$os_arch/terraform-provider-${type}_v$2"
}

# Unpacks a release-source archive into $cache/src (once) and prints its folder.
unpack() { # archive-file
  local name dir
  name=$(basename "$1"); name=${name%.tar.gz}
  dir="$cache/src/$name"
  if [ ! -f "$dir/go.mod" ]; then
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    # Each archive is `git archive --prefix=<name>/` of the upstream tag.
    tar -xzf "$1" -C "$dir.partial" --strip-components=1
    [ -f "$dir.partial/go.mod" ] || die "$1 holds no go.mod under one top folder"
    rm -rf "$dir" && mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}

# Prints the source folder to build source@version from, or returns 1 with
# the reason in $cache/last-go-error.log.
source_dir() { # module ref archive replaces
  local module=$1 ref=$2 archive=$3 replaces=$4 dir pair
  if [ "$archive" != "-" ] && [ -n "${AGGRIK8S_PROVIDER_SRC:-}" ] && [ -f "$AGGRIK8S_PROVIDER_SRC/$archive" ]; then
    dir=$(unpack "$AGGRIK8S_PROVIDER_SRC/$archive")
    if [ "$replaces" != "-" ]; then
      for pair in ${replaces//,/ }; do
        [ -f "$AGGRIK8S_PROVIDER_SRC/${pair#*=}" ] || { echo "$archive needs ${pair#*=} beside it in $AGGRIK8S_PROVIDER_SRC" >"$cache/last-go-error.log"; return 1; }
        (cd "$dir" && go mod edit -replace "${pair%%=*}=$(unpack "$AGGRIK8S_PROVIDER_SRC/${pair#*=}")")
      done
    fi
    echo "$dir"
  else
    module_dir "$module" "$ref" 2>"$cache/last-go-error.log"
  fi
}

# Builds source@version into the mirror; returns 1 when no route has its source.
build_provider() { # source version module ref archive replaces
  local source=$1 version=$2 target dir t0
  target=$(mirror_path "$source" "$version")
  if [ -x "$target" ]; then
    log "$source $version: cached"
  else
    dir=$(source_dir "$3" "$4" "$5" "$6") || return 1
    log "$source $version: building from $dir ..."
    t0=$(date +%s)
    mkdir -p "$(dirname "$target")"
    # Built inside the source folder: `go install module@ref` also asks the
    # proxy for the module's version list, which a proxy that serves only
    # exact versions refuses.
    (cd "$dir" && go build -o "$target.partial" .) || { echo "go build failed (output above)" >"$cache/last-go-error.log"; return 1; }
    mv "$target.partial" "$target"
    log "$source $version: built in $(( $(date +%s) - t0 ))s"
  fi
  # OpenTofu looks under its own registry host; same binary.
  local tofu_dir=${target/registry.terraform.io/registry.opentofu.org}
  mkdir -p "$(dirname "$tofu_dir")"
  ln -sf "$target" "$tofu_dir"
}

unavailable=()
built=()
total=0
while read -r name source version module ref archive replaces; do
  total=$((total + 1))
  if build_provider "$source" "$version" "$module" "$ref" "$archive" "$replaces"; then
    built+=("$source")
  else
    log "$source $version: UNAVAILABLE: $(head -1 "$cache/last-go-error.log") (archive ${archive} not in \$AGGRIK8S_PROVIDER_SRC=${AGGRIK8S_PROVIDER_SRC:-unset}; module proxy $(go env GOPROXY))"
    unavailable+=("$source@$version")
  fi
done < <(pins)

eng=$(engine)
tofu="$bindir/tofu"
if { [ "$eng" = "$tofu" ] || $with_opentofu; } && [ ! -x "$tofu" ]; then
  read -r tofu_version tofu_module tofu_ref < <(engine_pin)
  log "building OpenTofu $tofu_version ..."
  t0=$(date +%s)
  if ! dir=$(module_dir "$tofu_module" "$tofu_ref"); then
    log "OpenTofu $tofu_version: UNAVAILABLE: cannot download $tofu_module@$tofu_ref from the Go module proxy; install terraform or tofu on PATH instead"
    unavailable+=("OpenTofu@$tofu_version")
  # Its go.mod has a replace directive, which only a build inside the module honours.
  elif ! (cd "$dir" && go build -o "$tofu.partial" ./cmd/tofu); then
    log "OpenTofu $tofu_version: UNAVAILABLE: go build failed (output above)"
    unavailable+=("OpenTofu@$tofu_version")
  else
    mv "$tofu.partial" "$tofu"
    log "OpenTofu built in $(( $(date +%s) - t0 ))s"
  fi
fi

# Both spellings: OpenTofu reads a bare "ns/type" as registry.opentofu.org, and
# generated bindings name registry.terraform.io explicitly. Providers that could
# not be built come from the registry as usual (direct).
includes=$(for s in "${built[@]}"; do printf '"%s", "registry.terraform.io/%s", ' "$s" "$s"; done | sed 's/, $//')
cat > "$rc.partial" <<EOF
# Written by aggrik8s scripts/toolchain.sh: built providers from the local mirror, the rest from the registry.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$includes]
  }
  direct {
    exclude = [$includes]
  }
}
plugin_cache_dir = "$cache/plugin-cache"
EOF
mkdir -p "$cache/plugin-cache"
mv "$rc.partial" "$rc"
print_env > "$cache/env"
if [ ${#unavailable[@]} -gt 0 ]; then
  log "PARTIAL after $(( $(date +%s) - start ))s: ${#built[@]} of $total providers built; not built: ${unavailable[*]}"
  log "the engine takes the providers not built from the registry, and validation skips the stacks that need them"
  $allow_partial && exit 0
  die "not every pinned provider was built: ${unavailable[*]}. Fix: see each UNAVAILABLE line above (set AGGRIK8S_PROVIDER_SRC to a folder with the release-source archives, or give Go access to its module proxy), or pass --allow-partial to accept a partial mirror"
fi
log "ready in $(( $(date +%s) - start ))s: all $total providers built; engine $eng, mirror $mirror"
log "use it with: eval \"\$(scripts/toolchain.sh --env)\""
