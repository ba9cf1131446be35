#!/usr/bin/env bash
# Starts the scale-out topology on this machine (docs/scale-out.md): a PostgreSQL primary and one hot standby
# (streaming replication set up with pg_basebackup -R), two synchro replicas (--api=false) writing the primary, two API
# replicas (--synchro=false) reading the standby (Storage:ReadConnectionStrings), and three simulated members. The
# servers run standalone (no host cluster) over HTTPS with the token file's users, as hack/local-up.sh --standalone.
# Writes .local/scale/kubeconfig: clusters replica-1 and replica-2 (the search roots of each API replica), api-1 and
# api-2 (their roots, for the PediaCluster API), synchro-1 and synchro-2 (health and metrics), member-<n>; contexts
# api-1 (current), api-2 and member-<n>; pid files .local/scale/{api-1,api-2,synchro-1,synchro-2,member-<n>,pg-primary,
# pg-standby}.pid, and standby.pid (the standby's postmaster). hack/scale-down.sh stops it all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUN="$LOCAL/scale"
require_dotnet
require_kubectl
case ${1:-} in
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  "") ;;
  *) die "unknown argument $1" ;;
esac

PG_BIN=/usr/lib/postgresql/15/bin
[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_basebackup" ] || die "PostgreSQL 15 server binaries are missing ($PG_BIN): apt-get install postgresql-15"

# The synchro replicas share the clusters through leases in the database (docs/scale-out.md): each takes its fair
# share, and a killed replica's clusters move to the other within LeaseDuration + LeaseDuration/3.
SYNCHRO_SHARDING_ARGS="--Synchro:Sharding:Enabled true"

"$ROOT/hack/scale-down.sh" >/dev/null 2>&1 || true
rm -rf "$RUN"
mkdir -p "$RUN/logs" "$RUN/pki"
build_binaries
write_tokens

declare -A URL
MEMBERS=(member-1 member-2 member-3)
i=0
for member in "${MEMBERS[@]}"; do
  i=$((i + 1))
  start_sim "$member" "$(free_port $((6452 + i)))" "$i"
  URL[$member]=$SIM_URL
  synchro_rbac_yaml | kubectl --server "$SIM_URL" --certificate-authority "$RUN/pki/$member-ca.crt" --token "$ADMIN_TOKEN" apply -f - >/dev/null
done

# PostgreSQL: initdb refuses root, so as root the data belongs to the postgres user (which must reach it).
PG_AS=()
PG="$RUN/pg"
mkdir -p "$PG"
if [ "$(id -u)" = 0 ]; then
  PG_AS=(runuser -u postgres --)
  chmod o+x "$LOCAL" "$RUN"
  chown postgres "$PG"
fi
PRIMARY_PORT=$(free_port 5433)
STANDBY_PORT=$(free_port 5434)
PG_OPTS=(-c listen_addresses=127.0.0.1 -k "$PG" -c max_connections=200 -c wal_level=replica -c max_wal_senders=5 -c max_replication_slots=5)
pg_wait() { # port
  for _ in $(seq 1 150); do "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" && return 0; sleep 0.2; done
  return 1
}
log "starting the PostgreSQL primary on port $PRIMARY_PORT"
"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG/primary" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$RUN/logs/initdb.log" 2>&1 \
  || { cat "$RUN/logs/initdb.log"; die "initdb failed"; }
start pg-primary "${PG_AS[@]}" "$PG_BIN/postgres" -D "$PG/primary" -p "$PRIMARY_PORT" "${PG_OPTS[@]}"
pg_wait "$PRIMARY_PORT" || { tail -20 "$RUN/logs/pg-primary.log"; die "the PostgreSQL primary did not start"; }
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -c 'CREATE DATABASE clusterpedia' >/dev/null

log "starting the hot standby on port $STANDBY_PORT (pg_basebackup -R, replication slot scale_standby)"
"${PG_AS[@]}" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$PG/standby" -R -X stream -C -S scale_standby -c fast \
  >"$RUN/logs/basebackup.log" 2>&1 || { cat "$RUN/logs/basebackup.log"; die "pg_basebackup failed"; }
start pg-standby "${PG_AS[@]}" "$PG_BIN/postgres" -D "$PG/standby" -p "$STANDBY_PORT" "${PG_OPTS[@]}" -c hot_standby=on -c hot_standby_feedback=on
pg_wait "$STANDBY_PORT" || { tail -20 "$RUN/logs/pg-standby.log"; die "the hot standby did not start"; }
# pg-standby.pid is the process started here (runuser when run as root); standby.pid is the postmaster itself, the
# process to kill to see the API replicas fall back to the primary.
head -n 1 "$PG/standby/postmaster.pid" >"$RUN/standby.pid"

PRIMARY="Host=127.0.0.1;Port=$PRIMARY_PORT;Username=postgres;Database=clusterpedia"
STANDBY="Host=127.0.0.1;Port=$STANDBY_PORT;Username=postgres;Database=clusterpedia;Timeout=5"

SERVICE=clusterpedia-apiserver; SERVICE_NS=clusterpedia-system
server_cert
# One credential key for every process: each must decrypt the PediaCluster credentials any of them wrote.
(umask 077; head -c 32 /dev/urandom | base64 -w0 >"$RUN/pki/encryption.key"; echo >>"$RUN/pki/encryption.key")
COMMON=(--tls-cert-file "$RUN/pki/server.crt" --tls-private-key-file "$RUN/pki/server.key" --token-auth-file "$TOKENS"
  --Storage:Engine postgres --Storage:ConnectionString "$PRIMARY" --Encryption:KeyFile "$RUN/pki/encryption.key"
  --Synchro:AllowLoopbackTargets=true)

declare -A PORT
start_server() { # name preferred-port args...
  local name=$1 port; port=$(free_port "$2"); shift 2
  PORT[$name]=$port
  log "starting $name on https://127.0.0.1:$port"
  start "$name" dotnet "$LOCAL/bin/apiserver/Clusterpedia.ApiServer.dll" --urls "https://127.0.0.1:$port" "${COMMON[@]}" "$@"
  wait_http_ca "https://127.0.0.1:$port/healthz" "$RUN/pki/server-ca.crt" 90 || { tail -40 "$RUN/logs/$name.log"; die "$name did not start"; }
}
# The first synchro creates the schema; the others wait for it.
# shellcheck disable=SC2086 # the sharding flags are words on purpose
start_server synchro-1 8541 --api=false $SYNCHRO_SHARDING_ARGS --Synchro:Sharding:Identity synchro-1
# shellcheck disable=SC2086
start_server synchro-2 8542 --api=false $SYNCHRO_SHARDING_ARGS --Synchro:Sharding:Identity synchro-2
start_server api-1 8543 --synchro=false --Storage:ReadConnectionStrings:0 "$STANDBY"
start_server api-2 8544 --synchro=false --Storage:ReadConnectionStrings:0 "$STANDBY"

KC="$RUN/kubeconfig"
log "writing $KC"
CA=$(b64 "$RUN/pki/server-ca.crt")
{
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  for n in 1 2; do
    echo "- name: api-$n"
    echo "  cluster: {server: \"https://127.0.0.1:${PORT[api-$n]}\", certificate-authority-data: \"$CA\"}"
    echo "- name: replica-$n"
    echo "  cluster: {server: \"https://127.0.0.1:${PORT[api-$n]}/apis/clusterpedia.io/v1beta1/resources\", certificate-authority-data: \"$CA\"}"
    echo "- name: synchro-$n"
    echo "  cluster: {server: \"https://127.0.0.1:${PORT[synchro-$n]}\", certificate-authority-data: \"$CA\"}"
  done
  for member in "${MEMBERS[@]}"; do
    echo "- name: $member"
    echo "  cluster: {server: \"${URL[$member]}\", certificate-authority-data: \"$(b64 "$RUN/pki/$member-ca.crt")\"}"
  done
  echo "users:"
  echo "- name: admin"
  echo "  user: {token: \"$ADMIN_TOKEN\"}"
  echo "- name: viewer"
  echo "  user: {token: \"$VIEWER_TOKEN\"}"
  echo "contexts:"
  for n in 1 2; do
    echo "- name: api-$n"
    echo "  context: {cluster: api-$n, user: admin}"
  done
  for member in "${MEMBERS[@]}"; do
    echo "- name: $member"
    echo "  context: {cluster: $member, user: admin}"
  done
  echo "current-context: api-1"
} >"$KC"
chmod 600 "$KC"

log "applying PediaClusters through api-1"
for member in "${MEMBERS[@]}"; do
  kubectl --kubeconfig "$KC" apply -f - <<YAML
apiVersion: cluster.clusterpedia.io/v1alpha2
kind: PediaCluster
metadata:
  name: $member
spec:
  apiserver: "${URL[$member]}"
  caData: "$(b64 "$RUN/pki/$member-ca.crt")"
  tokenData: "$(printf '%s' "$SYNCHRO_TOKEN" | b64)"
  syncResources:
  - group: apps
    resources: [deployments, replicasets]
  - group: ""
    resources: [pods, namespaces]
YAML
done

log "waiting for the clusters to be Ready (as both API replicas see them)"
deadline=$((SECONDS + 180))
for n in 1 2; do
  for member in "${MEMBERS[@]}"; do
    until [ "$(kubectl --kubeconfig "$KC" --context "api-$n" get pediacluster "$member" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "True" ]; do
      [ $SECONDS -lt $deadline ] || { tail -40 "$RUN/logs/synchro-1.log"; die "$member did not become Ready on api-$n"; }
      sleep 0.5
    done
  done
done

cat <<MSG

The scale-out topology is running: PostgreSQL primary :$PRIMARY_PORT and hot standby :$STANDBY_PORT, synchro-1/2
(:${PORT[synchro-1]}, :${PORT[synchro-2]}) writing the primary, api-1/2 (:${PORT[api-1]}, :${PORT[api-2]}) reading the standby,
members ${MEMBERS[*]}.
Try:
  export KUBECONFIG=$KC
  kubectl --cluster replica-1 get deployments -A
  kubectl --cluster replica-2 get deployments -A      # the same objects, through the other API replica
  kubectl --cluster replica-2 get pods -A -w          # then change something with --context member-1
  kubectl get pediaclusters
  kubectl --cluster synchro-1 get --raw /metrics | grep leases_held   # the clusters each synchro replica holds
  curl -s --cacert $RUN/pki/server-ca.crt -H "Authorization: Bearer \$TOKEN" https://127.0.0.1:${PORT[api-1]}/metrics | grep read_replica
Logs are in $RUN/logs/. Stop everything with hack/scale-down.sh.
MSG
