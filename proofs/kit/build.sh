#!/usr/bin/env bash
# Builds the local control-plane kit the apply proof runs against, at the
# versions pinned in versions.json (`kit`), into the toolchain cache outside
# the repo: kube-apiserver, kube-controller-manager, kube-scheduler and
# kubectl; etcd; kwok. Prints the kit's bin folder on stdout.
#
#   bash proofs/kit/build.sh            build what is missing (idempotent)
#
# Everything comes from the Go module proxy (see
# ../shared/design/apply-harness-facts.md): k8s.io/kubernetes replaces its
# staging modules with ./staging paths its module zip lacks, so a wrapper
# module requires it and replaces each staging module with the same path at
# the matching v0.x tag; etcd's server module has replace directives of its
# own, so it is built from a wrapper too; kwok builds inside its module dir.
set -euo pipefail
usage() {
  cat <<'USAGE'
usage: npm run kit -- [options]

Builds the apply proof's local control-plane kit (kube-apiserver,
kube-controller-manager, kube-scheduler, kubectl, etcd, kwok) at the versions
pinned in versions.json `kit`, from the Go module proxy, into the toolchain
cache; prints its bin folder.

options:
  -h, --help  show this and exit
USAGE
}
CLI_NAME=kit
# shellcheck source=proofs/lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${AGGRIK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aggrik8s}
log() { printf '[kit] %s\n' "$*" >&2; }
die() { printf '[kit] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null || die "go not found: install Go >= 1.24 to build the kit"

read -r k8s etcd_module etcd_ref kwok_module kwok_ref < <(node -e '
  const k = require(process.argv[1]).kit;
  console.log(k.kubernetes.ref.replace(/^v/, ""), k.etcd.module, k.etcd.ref, k.kwok.module, k.kwok.ref);
' "$here/versions.json")
bin="$cache/kit/k8s-v$k8s-etcd-$etcd_ref-kwok-$kwok_ref"
mkdir -p "$bin" "$cache/kit/work"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -trimpath"
start=$(date +%s)

module_json() { go mod download -json "$1@$2" 2>&1 || die "the Go module proxy has no $1@$2: $(go mod download -json "$1@$2" 2>&1 | grep -o '"Error": "[^\\]*' | head -1)"; }

# Kubernetes: the wrapper module's replace list is read from kubernetes' own go.mod.
k8s_tools=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
missing=false; for t in "${k8s_tools[@]}"; do [ -x "$bin/$t" ] || missing=true; done
if $missing; then
  log "building Kubernetes v$k8s (${k8s_tools[*]}) ..."
  t0=$(date +%s)
  gomod=$(module_json k8s.io/kubernetes "v$k8s" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).GoMod))')
  w="$cache/kit/work/kubernetes-v$k8s"
  rm -rf "$w" && mkdir -p "$w"
  staging="v0.${k8s#1.}"
  {
    echo "module aggrik8s.local/kit/kubernetes"
    echo "go 1.24"
    echo "require k8s.io/kubernetes v$k8s"
    echo "replace ("
    sed -n 's#^\t\(k8s\.io/[a-z0-9.-]*\) => \./staging/src/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
    echo ")"
  } > "$w/go.mod"
  grep -q 'k8s.io/api ' "$w/go.mod" || die "no staging replaces found in k8s.io/kubernetes@v$k8s's go.mod"
  minor=${k8s#1.}; minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (
    cd "$w"
    # No `go mod tidy`: the wrapper has no source, so tidy would drop the
    # require and -mod=mod would then resolve kubernetes@latest.
    for t in "${k8s_tools[@]}"; do
      [ -x "$bin/$t" ] && continue
      go build -ldflags "$ldflags" -o "$bin/$t.partial" "k8s.io/kubernetes/cmd/$t" || exit 1
      mv "$bin/$t.partial" "$bin/$t"
      log "  $t built"
    done
    grep -q "k8s.io/kubernetes v$k8s" go.mod || { echo "the wrapper resolved another kubernetes than v$k8s" >&2; exit 1; }
  ) || die "building Kubernetes v$k8s failed (output above)"
  log "Kubernetes v$k8s built in $(( $(date +%s) - t0 ))s"
fi

if [ ! -x "$bin/etcd" ]; then
  log "building etcd $etcd_ref ..."
  t0=$(date +%s)
  w="$cache/kit/work/etcd-$etcd_ref"
  rm -rf "$w" && mkdir -p "$w"
  printf 'module aggrik8s.local/kit/etcd\ngo 1.24\nrequire %s %s\n' "$etcd_module" "$etcd_ref" > "$w/go.mod"
  (cd "$w" && go build -o "$bin/etcd.partial" "$etcd_module" && mv "$bin/etcd.partial" "$bin/etcd") \
    || die "building etcd $etcd_ref failed (output above)"
  log "etcd built in $(( $(date +%s) - t0 ))s"
fi

if [ ! -x "$bin/kwok" ]; then
  log "building kwok $kwok_ref ..."
  t0=$(date +%s)
  dir=$(module_json "$kwok_module" "$kwok_ref" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
  (cd "$dir" && GOFLAGS=-trimpath go build -o "$bin/kwok.partial" ./cmd/kwok && mv "$bin/kwok.partial" "$bin/kwok") \
    || die "building kwok $kwok_ref failed (output above)"
  # kwok's stock stages (node heartbeat, pod ready/complete/delete), at the same tag.
  mkdir -p "$bin/stages.partial"
  find "$dir/kustomize/stage/node/fast" "$dir/kustomize/stage/node/heartbeat-with-lease" "$dir/kustomize/stage/pod/fast" -maxdepth 1 -name "*.yaml" ! -name kustomization.yaml -exec cp {} "$bin/stages.partial/" \;
  rm -rf "$bin/stages" && mv "$bin/stages.partial" "$bin/stages"
  log "kwok built in $(( $(date +%s) - t0 ))s"
fi
log "ready in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
