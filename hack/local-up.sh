#!/usr/bin/env bash
# Runs the local demo: two simulated member clusters, the server on its embedded default (SQLite under .local/),
# PediaClusters for both, and .local/kubeconfig. Returns with everything running in the background;
# hack/local-down.sh stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_dotnet
require_kubectl

"$ROOT/hack/local-down.sh" >/dev/null 2>&1 || true
mkdir -p "$LOCAL/bin" "$LOCAL/logs"
# The simulators start with fresh objects every time, so the demo starts with a fresh database too.
rm -f "$LOCAL"/clusterpedia.db*

log "building (Release)"
dotnet publish "$ROOT/src/KubeSim/Clusterpedia.KubeSim.csproj" -c Release -o "$LOCAL/bin/kubesim" --nologo -v quiet >"$LOCAL/logs/build.log" 2>&1 \
  || { cat "$LOCAL/logs/build.log"; die "building the simulator failed"; }
dotnet publish "$ROOT/src/ApiServer/Clusterpedia.ApiServer.csproj" -c Release -o "$LOCAL/bin/apiserver" --nologo -v quiet >>"$LOCAL/logs/build.log" 2>&1 \
  || { cat "$LOCAL/logs/build.log"; die "building the server failed"; }

SERVER_PORT=$(free_port "${CLUSTERPEDIA_PORT:-8443}")
SERVER="http://127.0.0.1:$SERVER_PORT"

start() { # name pidfile logfile command...
  local name=$1; shift
  setsid "$@" >"$LOCAL/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$LOCAL/$name.pid"
}

declare -A MEMBER_URL MEMBER_TOKEN MEMBER_CA
i=0
for cluster in cluster-1 cluster-2; do
  i=$((i + 1))
  port=$(free_port $((6442 + i)))
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  log "starting simulated member cluster $cluster on port $port"
  # HTTPS, as a real apiserver: kubectl sends bearer tokens only over TLS.
  rm -f "$LOCAL/$cluster.kubeconfig"
  start "$cluster" dotnet "$LOCAL/bin/kubesim/Clusterpedia.KubeSim.dll" --name "$cluster" --port "$port" --token "$token" --seed "$i" \
    --tls --kubeconfig-out "$LOCAL/$cluster.kubeconfig"
  MEMBER_URL[$cluster]="https://127.0.0.1:$port"
  MEMBER_TOKEN[$cluster]=$token
done

log "starting the server on $SERVER (SQLite: .local/clusterpedia.db)"
start apiserver dotnet "$LOCAL/bin/apiserver/Clusterpedia.ApiServer.dll" --urls "$SERVER" \
  --Storage:Engine sqlite --Storage:ConnectionString "Data Source=$LOCAL/clusterpedia.db"

for cluster in cluster-1 cluster-2; do
  deadline=$((SECONDS + 60))
  until [ -s "$LOCAL/$cluster.kubeconfig" ]; do
    [ $SECONDS -lt $deadline ] || { tail -20 "$LOCAL/logs/$cluster.log"; die "$cluster did not start"; }
    sleep 0.3
  done
  MEMBER_CA[$cluster]=$(sed -n 's/^ *certificate-authority-data: *//p' "$LOCAL/$cluster.kubeconfig")
  [ -n "${MEMBER_CA[$cluster]}" ] || die "$cluster wrote no CA to $LOCAL/$cluster.kubeconfig"
  printf '%s' "${MEMBER_CA[$cluster]}" | base64 -d >"$LOCAL/$cluster-ca.crt"
  wait_http_ca "${MEMBER_URL[$cluster]}/livez" "$LOCAL/$cluster-ca.crt" 60 || { tail -20 "$LOCAL/logs/$cluster.log"; die "$cluster did not start"; }
done
wait_http "$SERVER/healthz" 60 || { tail -40 "$LOCAL/logs/apiserver.log"; die "the server did not start"; }

KC="$LOCAL/kubeconfig"
log "writing $KC"
{
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  echo "- name: clusterpedia-host"
  echo "  cluster: {server: \"$SERVER\"}"
  echo "- name: clusterpedia"
  echo "  cluster: {server: \"$SERVER/apis/clusterpedia.io/v1beta1/resources\"}"
  for cluster in cluster-1 cluster-2; do
    echo "- name: $cluster"
    echo "  cluster: {server: \"$SERVER/apis/clusterpedia.io/v1beta1/resources/clusters/$cluster\"}"
    echo "- name: member-$cluster"
    echo "  cluster: {server: \"${MEMBER_URL[$cluster]}\", certificate-authority-data: \"${MEMBER_CA[$cluster]}\"}"
  done
  echo "users:"
  echo "- name: clusterpedia-admin"
  echo "  user: {}"
  for cluster in cluster-1 cluster-2; do
    echo "- name: member-$cluster"
    echo "  user: {token: \"${MEMBER_TOKEN[$cluster]}\"}"
  done
  echo "contexts:"
  echo "- name: clusterpedia-host"
  echo "  context: {cluster: clusterpedia-host, user: clusterpedia-admin}"
  for cluster in cluster-1 cluster-2; do
    echo "- name: member-$cluster"
    echo "  context: {cluster: member-$cluster, user: member-$cluster}"
  done
  echo "current-context: clusterpedia-host"
} >"$KC"
chmod 600 "$KC"

log "applying PediaClusters"
for cluster in cluster-1 cluster-2; do
  cat >"$LOCAL/$cluster.yaml" <<YAML
apiVersion: cluster.clusterpedia.io/v1alpha2
kind: PediaCluster
metadata:
  name: $cluster
spec:
  apiserver: "${MEMBER_URL[$cluster]}"
  caData: "${MEMBER_CA[$cluster]}"
  tokenData: "$(printf '%s' "${MEMBER_TOKEN[$cluster]}" | base64 -w0)"
  syncResources:
  - group: apps
    resources: [deployments, replicasets]
  - group: ""
    resources: [pods, namespaces]
YAML
  kubectl --kubeconfig "$KC" apply -f "$LOCAL/$cluster.yaml"
done

log "waiting for the clusters to be Ready"
deadline=$((SECONDS + 120))
for cluster in cluster-1 cluster-2; do
  until [ "$(kubectl --kubeconfig "$KC" get pediacluster "$cluster" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "True" ]; do
    [ $SECONDS -lt $deadline ] || { tail -40 "$LOCAL/logs/apiserver.log"; die "$cluster did not become Ready"; }
    sleep 0.5
  done
done

cat <<MSG

Clusterpedia is running on $SERVER with two simulated member clusters.
Try:
  export KUBECONFIG=$KC
  kubectl get pediaclusters
  kubectl --cluster clusterpedia api-resources
  kubectl --cluster clusterpedia get deployments -A
  kubectl --cluster clusterpedia get deployments -A -l "search.clusterpedia.io/namespaces in (kube-system,default)"
  kubectl --cluster cluster-1 get deployments -A
  kubectl --cluster clusterpedia get pods -A -o wide
  kubectl --cluster clusterpedia get pods -A -w
  kubectl get collectionresources workloads
  kubectl --context member-cluster-1 get deployments -A     # the member cluster itself, to compare
Logs are in .local/logs/. Stop everything with hack/local-down.sh.
MSG
