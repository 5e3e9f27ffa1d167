#!/usr/bin/env bash
# Proves the shared state backends for real, on loopback, with
# integration/state-app.ts:
#  - two stacks chained by a cross-stack reference, reading the value back
#    through the consumer's terraform_remote_state;
#  - the mesh CA as main.ts builds it, and a stack that reads its certificate
#    and private key back through remote state (as Cilium stacks do);
# every stack deployed, read back, and planned a second time (must be empty).
# Three runs:
#  pg         PostgreSQL (Debian package), the engine on PATH: state is plain JSON
#  encrypted  PostgreSQL, OpenTofu with examples/tf-encryption.hcl as TF_ENCRYPTION:
#             the stored state must hold no key or certificate
#  s3         MinIO (built from its Go module), the engine on PATH, S3 lockfile locking
# and in each, a plan must refuse to run while another run holds the lock,
# and npm run diff must name the stored states the config has no stack for.
# Run as root (CI) or as a user who can run postgres.
set -euo pipefail
usage() {
  cat <<'USAGE'
usage: npm run proof:state -- [options]

Proves the state backends for real on loopback: PostgreSQL, MinIO (S3 with lockfile locking), and PostgreSQL with OpenTofu state encryption; cross-stack reads, locking, empty second plans, orphaned-state warnings.

options:
  -h, --help  show this and exit
USAGE
}
CLI_NAME=proof:state
# shellcheck source=proofs/lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${AGGRIK8S_PG_PORT:-55432}
s3_port=${AGGRIK8S_S3_PORT:-59000}
log() { printf '[state-proof] %s\n' "$*"; }
die() { printf '[state-proof] error: %s\n' "$*" >&2; exit 1; }
# The apps and commands below run compiled (dist/), as every npm script does.
(cd "$here" && node node_modules/typescript/bin/tsc -b) || die "tsc -b failed"

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

work=$(mktemp -d /tmp/aggrik8s-state-XXXXXX)
chmod 755 "$work"
minio_pid=
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  [ -z "$minio_pid" ] || kill "$minio_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export PGPASSWORD
PGPASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$work/data" "$work/sock" "$work/pglog" && printf '%s\n' "$PGPASSWORD" > "$work/pw"
[ ${#as_pg[@]} -eq 0 ] || chown -R postgres "$work/data" "$work/sock" "$work/pglog" "$work/pw"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U aggrik8s --pwfile="$work/pw" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -w -l "$work/pglog/pg.log" -o "-c listen_addresses=127.0.0.1 -p $port -k $work/sock" start >/dev/null
log "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

command -v curl >/dev/null || die "curl is not installed: install the curl package (it talks S3 to MinIO)"
minio=$(bash "$here/scripts/lib/go-tool.sh" minio)
export AWS_ACCESS_KEY_ID=aggrik8s AWS_SECRET_ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
s3=http://127.0.0.1:$s3_port
MINIO_ROOT_USER=$AWS_ACCESS_KEY_ID MINIO_ROOT_PASSWORD=$AWS_SECRET_ACCESS_KEY MINIO_BROWSER=off \
  "$minio" server "$work/minio" --address "127.0.0.1:$s3_port" --quiet >"$work/minio.log" 2>&1 &
minio_pid=$!
for _ in $(seq 50); do curl -fs "$s3/minio/health/live" >/dev/null && break; sleep 0.2; done
curl -fs "$s3/minio/health/live" >/dev/null || { cat "$work/minio.log"; die "MinIO did not start"; }
# S3 requests signed with the same credentials the engine uses (curl --aws-sigv4).
s3_curl() { curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@"; }
s3_curl -X PUT "$s3/aggrik8s-state" >/dev/null
log "MinIO on $s3, bucket aggrik8s-state"

bash "$here/scripts/toolchain.sh" --with-opentofu >"$work/toolchain.log" 2>&1 || { cat "$work/toolchain.log"; die "toolchain failed"; }
eval "$(bash "$here/scripts/toolchain.sh" --env)"
tofu="$(dirname "$AGGRIK8S_MIRROR")/bin/tofu"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
psql_db() { "$pgbin/psql" -h 127.0.0.1 -p "$port" -U aggrik8s -d "$1" -Atc "$2"; }

# The mesh CA's state as stored by the backend, for the encryption checks.
stored_state() { # backend label
  case $1 in
    s3) s3_curl "$s3/aggrik8s-state/$2/mesh-ca.tfstate" ;;
    pg) psql_db "terraform_$2" "select data from aggrik8s_mesh_ca.states" ;;
  esac
}

# Another run holding a stack's lock must stop the engine: an apply of
# state-producer waits at its approval prompt (holding the lock) while a plan
# runs with -lock-timeout=0s; the prompt then reads EOF and cancels.
refused_while_locked() { # label engine out
  local label=$1 engine=$2 out=$3 dir=$3/stacks/state-producer rc=0 holder
  mkfifo "$out/hold.fifo"
  (cd "$dir" && "$engine" apply -input=true -replace=terraform_data.value -no-color <"$out/hold.fifo" >"$out/holder.log" 2>&1) &
  holder=$!
  exec 7>"$out/hold.fifo"
  for _ in $(seq 150); do grep -q "Enter a value" "$out/holder.log" && break; sleep 0.2; done
  grep -q "Enter a value" "$out/holder.log" || { exec 7>&-; cat "$out/holder.log"; die "$label: the lock-holding apply never reached its prompt"; }
  (cd "$dir" && "$engine" plan -lock-timeout=0s -input=false -no-color >"$out/locked.plan.log" 2>&1) || rc=$?
  exec 7>&-
  wait "$holder" || true
  [ $rc -ne 0 ] && grep -q "Error acquiring the state lock" "$out/locked.plan.log" \
    || { cat "$out/locked.plan.log"; die "$label: a plan ran while another run held the lock (exit $rc)"; }
  ! grep -q "Apply complete" "$out/holder.log" && grep -Eq "Apply cancelled|error asking for approval" "$out/holder.log" \
    || { cat "$out/holder.log"; die "$label: the lock-holding apply did not cancel"; }
  log "$label: a plan refuses to run while another run holds the stack's lock"
}

# npm run diff with the run's config lists the backend: the fixture stacks
# have state but are not in the config, so each must be named; mesh-ca is.
orphans_named() { # label backend
  local label=$1 backend=$2 log=$work/$1/orphans.log s shown
  (cd "$here" && AGGRIK8S_CONFIG="$work/$label.yaml" node dist/scripts/cdktf.js diff mesh-ca --output "$work/$label-diff" >"$log" 2>&1) \
    || { cat "$log"; die "$label: npm run diff failed"; }
  for s in state-producer state-consumer mesh-ca-reader; do
    shown=$s; [ "$backend" = pg ] && shown=${s//-/_}
    grep -q "stack $shown has state but is no longer in the config" "$log" || { cat "$log"; die "$label: npm run diff did not name the orphaned state of $s"; }
  done
  ! grep -q "stack mesh.ca has state" "$log" || { cat "$log"; die "$label: npm run diff called mesh-ca orphaned, but the config has it"; }
  log "$label: npm run diff names the 3 stacks with state that the config does not have"
}

# One run: state of its own (a database, or a key prefix), the fixture app
# synthesized against it, every stack deployed, read back and planned again.
proof() { # label backend engine
  local label=$1 backend=$2 engine=$3 out=$work/$1 state
  case $backend in
    s3) state="{ backend: s3, bucket: aggrik8s-state, endpoint: \"$s3\", keyPrefix: $label }" ;;
    pg)
      "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U aggrik8s "terraform_$label"
      state="{ backend: pg, connStr: \"postgres://aggrik8s@127.0.0.1:$port/terraform_$label?sslmode=disable\" }" ;;
  esac
  cat > "$work/$label.yaml" <<YAML
proxmox: { endpoint: "https://pve1.example.internal:8006/" }
state: $state
clusters:
  - name: talos-east
    id: 1
    network: { nodeSubnet: 10.10.0.0/24, gateway: 10.10.0.1, podSubnet: 10.110.0.0/16, serviceSubnet: 10.210.0.0/16 }
    controlPlane: { memoryGiB: 8, nodes: [{ name: east-cp-1, ip: 10.10.0.11, vmId: 1011, proxmoxNode: pve1 }] }
    platform: { rookCeph: { enabled: false } }
YAML
  (cd "$here" && AGGRIK8S_CONFIG="$work/$label.yaml" CDKTF_OUTDIR="$out" node dist/integration/state-app.js)

  deploy() { # stack
    (cd "$out/stacks/$1" && "$engine" init -input=false -no-color >"$out/$1.init.log" 2>&1) || { cat "$out/$1.init.log"; die "$label: init of $1 failed"; }
    (cd "$out/stacks/$1" && "$engine" apply -auto-approve -input=false -no-color >"$out/$1.apply.log" 2>&1) || { cat "$out/$1.apply.log"; die "$label: apply of $1 failed"; }
    log "$label: $1 applied"
  }
  output() { (cd "$out/stacks/$1" && "$engine" output -raw "$2"); }

  for s in state-producer state-consumer mesh-ca mesh-ca-reader; do deploy "$s"; done

  [ "$(output state-consumer copied)" = "made-by-state-producer" ] \
    || die "$label: state-consumer read '$(output state-consumer copied)' through remote state, expected made-by-state-producer"
  log "$label: state-consumer read the producer's value back through remote state"

  local cert key_digest state_digest
  cert=$(output mesh-ca ca_certificate_pem)
  [[ $cert == "-----BEGIN CERTIFICATE-----"* ]] || die "$label: mesh-ca output ca_certificate_pem is not a PEM certificate"
  [ "$(output mesh-ca-reader ca_certificate_pem)" = "$cert" ] || die "$label: mesh-ca-reader read a different CA certificate through remote state"
  # The key is compared by digest so it is never printed.
  key_digest=$(output mesh-ca-reader ca_private_key_sha256)
  state_digest=$(cd "$out/stacks/mesh-ca" && "$engine" show -json | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const walk = (m) => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
      const key = walk(JSON.parse(s).values.root_module).find((r) => r.type === "tls_private_key");
      if (!key) { console.error("no tls_private_key in the mesh-ca state"); process.exit(1); }
      console.log(require("crypto").createHash("sha256").update(key.values.private_key_pem).digest("hex"));
    })')
  [ -n "$key_digest" ] && [ "$key_digest" = "$state_digest" ] || die "$label: the CA key mesh-ca-reader read through remote state is not the one in mesh-ca's state"
  log "$label: mesh-ca-reader read the CA certificate and private key back through remote state"

  for s in state-producer state-consumer mesh-ca mesh-ca-reader; do
    local rc=0
    (cd "$out/stacks/$s" && "$engine" plan -detailed-exitcode -input=false -no-color >"$out/$s.plan.log" 2>&1) || rc=$?
    [ $rc -eq 0 ] || { cat "$out/$s.plan.log"; die "$label: second plan of $s is not empty (exit $rc)"; }
  done
  log "$label: second plan of every stack is empty"

  local stored
  stored=$(stored_state "$backend" "$label")
  if [ -n "${TF_ENCRYPTION:-}" ]; then
    [[ $stored == *'"encrypted_data"'* && $stored != *"PRIVATE KEY"* && $stored != *"BEGIN CERTIFICATE"* ]] \
      || die "$label: the stored mesh-ca state is not encrypted"
    log "$label: the stored mesh-ca state is encrypted (no key or certificate in it)"
  else
    # The contrast that shows the check above can fail.
    [[ $stored == *"PRIVATE KEY"* ]] || die "$label: expected the unencrypted mesh-ca state to hold the key in clear"
    log "$label: the stored mesh-ca state holds the CA key in clear (protect the backend, or encrypt: see docs/architecture.md)"
  fi
  refused_while_locked "$label" "$engine" "$out"
  [ -n "${TF_ENCRYPTION:-}" ] || orphans_named "$label" "$backend"
  if [ "$backend" = s3 ]; then
    log "$label: objects: $(s3_curl "$s3/aggrik8s-state?list-type=2&prefix=$label%2F" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g' | tr '\n' ' ')"
  else
    log "$label: state schemas: $(psql_db "terraform_$label" "select string_agg(schema_name, ',' order by schema_name) from information_schema.schemata where schema_name like 'aggrik8s_%'")"
  fi
}

proof pg pg "$TERRAFORM_BINARY_NAME"
proof s3 s3 "$TERRAFORM_BINARY_NAME"
AGGRIK8S_STATE_PASSPHRASE=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
TF_ENCRYPTION=$(AGGRIK8S_STATE_PASSPHRASE=$AGGRIK8S_STATE_PASSPHRASE envsubst '$AGGRIK8S_STATE_PASSPHRASE' < "$here/examples/tf-encryption.hcl")
export TF_ENCRYPTION
proof encrypted pg "$tofu"
log "passed"
