#!/usr/bin/env bash
# Proves the PostgreSQL state backend for real: starts PostgreSQL on loopback,
# deploys two stacks chained by a cross-stack reference (and the mesh-ca stack
# when its provider can be had) with `state.backend: pg`, reads the value back
# through the consumer's terraform_remote_state, and checks that a second plan
# of every stack is empty. Run as root (CI) or as a user who can run postgres.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${AGGRIK8S_PG_PORT:-55432}
log() { printf '[pg-proof] %s\n' "$*"; }
die() { printf '[pg-proof] error: %s\n' "$*" >&2; exit 1; }

pgbin=$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)")")
if [ ! -x "$pgbin/pg_ctl" ]; then
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed: install the postgresql package"
  log "installing PostgreSQL (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
fi
# PostgreSQL refuses to run as root.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_pg=(runuser -u postgres --)
fi

work=$(mktemp -d /tmp/aggrik8s-pg-XXXXXX)
chmod 755 "$work"
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export PGPASSWORD
PGPASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$work/data" "$work/sock" "$work/pglog" && printf '%s\n' "$PGPASSWORD" > "$work/pw"
[ ${#as_pg[@]} -eq 0 ] || chown -R postgres "$work/data" "$work/sock" "$work/pglog" "$work/pw"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U aggrik8s --pwfile="$work/pw" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -w -l "$work/pglog/pg.log" -o "-c listen_addresses=127.0.0.1 -p $port -k $work/sock" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U aggrik8s terraform
log "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

cat > "$work/mesh.yaml" <<YAML
proxmox: { endpoint: "https://pve1.example.internal:8006/" }
state: { backend: pg, connStr: "postgres://aggrik8s@127.0.0.1:$port/terraform?sslmode=disable" }
clusters:
  - name: talos-east
    id: 1
    network: { nodeSubnet: 10.10.0.0/24, gateway: 10.10.0.1, podSubnet: 10.110.0.0/16, serviceSubnet: 10.210.0.0/16 }
    controlPlane: { nodes: [{ name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }] }
    platform: { rookCeph: { enabled: false } }
YAML
eval "$(bash "$here/scripts/toolchain.sh" --env)"
engine=$TERRAFORM_BINARY_NAME
export AGGRIK8S_CONFIG="$work/mesh.yaml" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
cd "$here"
CDKTF_OUTDIR="$work/fixture" node --require tsx/cjs __tests__/fixtures/state-app.ts
CDKTF_OUTDIR="$work/mesh" node --require tsx/cjs main.ts

deploy() { # dir name
  (cd "$1" && "$engine" init -input=false -no-color >"$work/$2.init.log" 2>&1) || return 2
  (cd "$1" && "$engine" apply -auto-approve -input=false -no-color >"$work/$2.apply.log" 2>&1) || { cat "$work/$2.apply.log"; die "apply of $2 failed"; }
  log "$2: applied (state in schema aggrik8s_${2//-/_})"
}
second_plan_empty() { # dir name
  local rc=0
  (cd "$1" && "$engine" plan -detailed-exitcode -input=false -no-color >"$work/$2.plan.log" 2>&1) || rc=$?
  [ $rc -eq 0 ] || { cat "$work/$2.plan.log"; die "second plan of $2 is not empty (exit $rc)"; }
  log "$2: second plan is empty"
}

for s in state-producer state-consumer; do deploy "$work/fixture/stacks/$s" "$s"; done
copied=$(cd "$work/fixture/stacks/state-consumer" && "$engine" output -raw copied)
[ "$copied" = "made-by-state-producer" ] || die "consumer read '$copied' through terraform_remote_state, expected made-by-state-producer"
log "state-consumer read the producer's value back through the pg remote state"
for s in state-producer state-consumer; do second_plan_empty "$work/fixture/stacks/$s" "$s"; done

if deploy "$work/mesh/stacks/mesh-ca" mesh-ca; then
  second_plan_empty "$work/mesh/stacks/mesh-ca" mesh-ca
else
  log "mesh-ca: SKIP, its provider (hashicorp/tls) is neither in the offline mirror nor reachable: $(grep -m1 -A3 '^Error:' "$work/mesh-ca.init.log" | tr -s '\n ' ' ' || echo 'init failed')"
fi
schemas=$("$pgbin/psql" -h 127.0.0.1 -p "$port" -U aggrik8s -d terraform -Atc "select string_agg(schema_name, ',' order by schema_name) from information_schema.schemata where schema_name like 'aggrik8s_%'")
log "state schemas in PostgreSQL: $schemas"
log "passed"
