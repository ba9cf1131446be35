#!/usr/bin/env bash
# Runs the local demo (docs: README "Quick start"; contract: ../shared/docs/PRODUCT.md, version 2).
#   hack/local-up.sh               a simulated host kube-apiserver (RBAC, aggregation, admission), two simulated member
#                                  clusters, and our server over HTTPS registered in the host as APIService
#                                  v1beta1.clusterpedia.io, reading PediaClusters from the host (hosted mode)
#   hack/local-up.sh --standalone  no host: the server serves the PediaCluster API itself
#   hack/local-up.sh --engine mysql  (with either mode) stores in a private MariaDB under .local/mariadb instead of SQLite
# Both run on the embedded default (SQLite under .local/), apply the PediaClusters, wait until they are Ready, write
# .local/kubeconfig and return with everything running in the background; hack/local-down.sh stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_dotnet
require_kubectl

MODE=hosted
ENGINE=sqlite
while [ $# -gt 0 ]; do
  case $1 in
    --standalone) MODE=standalone ;;
    --engine) ENGINE=${2:-}; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --standalone, --engine sqlite|mysql)" ;;
  esac
  shift
done
[ "$ENGINE" = sqlite ] || [ "$ENGINE" = mysql ] || die "--engine takes sqlite or mysql"

"$ROOT/hack/local-down.sh" >/dev/null 2>&1 || true
mkdir -p "$LOCAL/bin" "$LOCAL/logs" "$LOCAL/pki"
# The simulators start with fresh objects every time, so the demo starts with a fresh database too.
rm -f "$LOCAL"/clusterpedia.db* "$LOCAL"/*.kubeconfig

build_binaries
write_tokens

declare -A URL
i=0
for cluster in cluster-1 cluster-2; do
  i=$((i + 1))
  start_sim "$cluster" "$(free_port $((6442 + i)))" "$i"
  URL[$cluster]=$SIM_URL
done
if [ "$MODE" = hosted ]; then
  start_sim host "$(free_port 6443)" 7 --namespaces 0 --nodes 1
  URL[host]=$SIM_URL
fi

# kubectl against one simulator as admin (bootstrap only; users get .local/kubeconfig).
kc_admin() { # cluster kubectl-args...
  local cluster=$1; shift
  kubectl --server "${URL[$cluster]}" --certificate-authority "$LOCAL/pki/$cluster-ca.crt" --token "$ADMIN_TOKEN" "$@"
}

log "member RBAC: clusterpedia-synchro reads everything; viewer may view namespace default of cluster-1 only"
for cluster in cluster-1 cluster-2; do
  synchro_rbac_yaml | kc_admin "$cluster" apply -f - >/dev/null
done
kc_admin cluster-1 create rolebinding viewer-view --clusterrole view --user viewer -n default >/dev/null
# Something for the viewer to see there: a small deployment in cluster-1's default namespace (the simulated controller
# makes its ReplicaSet and pods).
kc_admin cluster-1 create deployment hello --image=nginx:1.27 --replicas=2 -n default >/dev/null

SERVER_PORT=$(free_port "${CLUSTERPEDIA_PORT:-8443}")
SERVER="https://127.0.0.1:$SERVER_PORT"
SERVICE=clusterpedia-apiserver; SERVICE_NS=clusterpedia-system
server_cert

# Security is on in both modes (docs/security.md): HTTPS with this certificate (reloaded when the files change);
# hosted, the host authenticates (front proxy, TokenReview) and authorizes (SubjectAccessReview); standalone, the
# token file's users (admin in system:masters may do everything, viewer may read) are the only ones.
SERVER_ARGS=(--urls "$SERVER" --tls-cert-file "$LOCAL/pki/server.crt" --tls-private-key-file "$LOCAL/pki/server.key"
  --Storage:Engine sqlite --Storage:ConnectionString "Data Source=$LOCAL/clusterpedia.db"
  # The simulated members listen on loopback, which the synchro refuses by default (docs/security.md "Outbound").
  --Synchro:AllowLoopbackTargets=true)
if [ "$ENGINE" = mysql ]; then
  # A private mariadbd (apt-get install mariadb-server), fresh like the SQLite file; hack/local-down.sh stops it.
  [ -x /usr/sbin/mariadbd ] || die "--engine mysql needs MariaDB (apt-get install mariadb-server)"
  DB_PORT=$(free_port 3307); DB_DIR="$LOCAL/mariadb"; rm -rf "$DB_DIR"; mkdir -p "$DB_DIR"
  DB_USER=(); [ "$(id -u)" = 0 ] && DB_USER=(--user=root)
  log "starting a private MariaDB on port $DB_PORT"
  mariadb-install-db --no-defaults --datadir="$DB_DIR/data" --auth-root-authentication-method=normal --skip-test-db "${DB_USER[@]}" \
    >"$LOCAL/logs/mariadb-install.log" 2>&1 || die "mariadb-install-db failed (see $LOCAL/logs/mariadb-install.log)"
  start mariadb /usr/sbin/mariadbd --no-defaults --datadir="$DB_DIR/data" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --socket="$DB_DIR/sock" --skip-log-bin "${DB_USER[@]}"
  for _ in $(seq 1 100); do mariadb -uroot -h127.0.0.1 -P"$DB_PORT" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
  mariadb -uroot -h127.0.0.1 -P"$DB_PORT" -e 'CREATE DATABASE clusterpedia CHARACTER SET utf8mb4' || die "MariaDB did not start"
  SERVER_ARGS+=(--Storage:Engine mysql --Storage:ConnectionString "Server=127.0.0.1;Port=$DB_PORT;User ID=root;Database=clusterpedia")
fi

if [ "$MODE" = hosted ]; then
  log "host: installing from deploy/overlays/local (the install's objects; the server is this local process)"
  # The overlay plus what only this script knows, patched in by a kustomization of its own (kustomize loads other
  # kustomizations by relative path only): the port the server listens on and the CA of its certificate.
  INSTALL="$LOCAL/install"; mkdir -p "$INSTALL"
  cat >"$INSTALL/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- $(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$ROOT/deploy/overlays/local" "$INSTALL")
patches:
- target: {version: v1, kind: Endpoints, name: $SERVICE, namespace: $SERVICE_NS}
  patch: |-
    - {op: replace, path: /subsets/0/ports/0/port, value: $SERVER_PORT}
- target: {group: apiregistration.k8s.io, kind: APIService, name: v1beta1.clusterpedia.io}
  patch: |-
    - {op: add, path: /spec/caBundle, value: "$(b64 "$LOCAL/pki/server-ca.crt")"}
- target: {group: admissionregistration.k8s.io, kind: ValidatingWebhookConfiguration, name: clusterpedia}
  patch: |-
    - {op: add, path: /webhooks/0/clientConfig/caBundle, value: "$(b64 "$LOCAL/pki/server-ca.crt")"}
    - {op: add, path: /webhooks/1/clientConfig/caBundle, value: "$(b64 "$LOCAL/pki/server-ca.crt")"}
- target: {group: admissionregistration.k8s.io, kind: MutatingWebhookConfiguration, name: clusterpedia}
  patch: |-
    - {op: add, path: /webhooks/0/clientConfig/caBundle, value: "$(b64 "$LOCAL/pki/server-ca.crt")"}
    - {op: add, path: /webhooks/1/clientConfig/caBundle, value: "$(b64 "$LOCAL/pki/server-ca.crt")"}
YAML
  kubectl kustomize "$INSTALL" >"$INSTALL/clusterpedia.yaml" || die "kubectl kustomize $INSTALL failed"
  kc_admin host apply -f "$INSTALL/clusterpedia.yaml" >"$LOCAL/logs/install.log" 2>&1 || { cat "$LOCAL/logs/install.log"; die "installing into the host failed"; }
  # The server's own view of the host: its ServiceAccount's identity (a token from the token file stands in for the
  # projected ServiceAccount token a pod would mount).
  cat >"$LOCAL/server-host.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: host
  cluster: {server: "${URL[host]}", certificate-authority-data: "$(b64 "$LOCAL/pki/host-ca.crt")"}
users:
- name: clusterpedia-apiserver
  user: {token: "$SERVER_TOKEN"}
contexts:
- name: host
  context: {cluster: host, user: clusterpedia-apiserver}
current-context: host
YAML
  chmod 600 "$LOCAL/server-host.kubeconfig"
  SERVER_ARGS+=(--Synchro:HostKubeconfig "$LOCAL/server-host.kubeconfig" --Synchro:SecretNamespace "$SERVICE_NS")
else
  SERVER_ARGS+=(--token-auth-file "$TOKENS")
fi

log "starting the server on $SERVER ($MODE mode; storage: $([ "$ENGINE" = mysql ] && echo "MariaDB on port $DB_PORT" || echo "SQLite .local/clusterpedia.db"))"
start apiserver dotnet "$LOCAL/bin/apiserver/Clusterpedia.ApiServer.dll" "${SERVER_ARGS[@]}"
wait_http_ca "$SERVER/healthz" "$LOCAL/pki/server-ca.crt" 60 || { tail -40 "$LOCAL/logs/apiserver.log"; die "the server did not start"; }

KC="$LOCAL/kubeconfig"
log "writing $KC"
if [ "$MODE" = hosted ]; then
  FRONT=${URL[host]}; FRONT_CA=$(b64 "$LOCAL/pki/host-ca.crt")
else
  FRONT=$SERVER; FRONT_CA=$(b64 "$LOCAL/pki/server-ca.crt")
fi
{
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  if [ "$MODE" = hosted ]; then
    echo "- name: host"
    echo "  cluster: {server: \"$FRONT\", certificate-authority-data: \"$FRONT_CA\"}"
  fi
  echo "- name: clusterpedia-host"
  echo "  cluster: {server: \"$FRONT\", certificate-authority-data: \"$FRONT_CA\"}"
  echo "- name: clusterpedia"
  echo "  cluster: {server: \"$FRONT/apis/clusterpedia.io/v1beta1/resources\", certificate-authority-data: \"$FRONT_CA\"}"
  for cluster in cluster-1 cluster-2; do
    echo "- name: $cluster"
    echo "  cluster: {server: \"$FRONT/apis/clusterpedia.io/v1beta1/resources/clusters/$cluster\", certificate-authority-data: \"$FRONT_CA\"}"
    echo "- name: member-$cluster"
    echo "  cluster: {server: \"${URL[$cluster]}\", certificate-authority-data: \"$(b64 "$LOCAL/pki/$cluster-ca.crt")\"}"
  done
  echo "- name: clusterpedia-direct"
  echo "  cluster: {server: \"$SERVER\", certificate-authority-data: \"$(b64 "$LOCAL/pki/server-ca.crt")\"}"
  echo "users:"
  echo "- name: admin"
  echo "  user: {token: \"$ADMIN_TOKEN\"}"
  echo "- name: viewer"
  echo "  user: {token: \"$VIEWER_TOKEN\"}"
  echo "contexts:"
  if [ "$MODE" = hosted ]; then
    echo "- name: clusterpedia-host"
    echo "  context: {cluster: host, user: admin}"
    echo "- name: viewer"
    echo "  context: {cluster: host, user: viewer}"
  else
    echo "- name: clusterpedia-host"
    echo "  context: {cluster: clusterpedia-host, user: admin}"
    echo "- name: viewer"
    echo "  context: {cluster: clusterpedia-host, user: viewer}"
  fi
  for cluster in cluster-1 cluster-2; do
    echo "- name: member-$cluster"
    echo "  context: {cluster: member-$cluster, user: admin}"
  done
  echo "current-context: clusterpedia-host"
} >"$KC"
chmod 600 "$KC"

if [ "$MODE" = hosted ]; then
  log "waiting for APIService v1beta1.clusterpedia.io to be Available"
  deadline=$((SECONDS + 90))
  until [ "$(kubectl --kubeconfig "$KC" get apiservice v1beta1.clusterpedia.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}' 2>/dev/null)" = "True" ]; do
    [ $SECONDS -lt $deadline ] || { kubectl --kubeconfig "$KC" get apiservice v1beta1.clusterpedia.io -o yaml; tail -40 "$LOCAL/logs/apiserver.log"; die "the APIService did not become Available"; }
    sleep 0.5
  done
fi

log "applying PediaClusters ($( [ "$MODE" = hosted ] && echo "to the host" || echo "to the server"))"
for cluster in cluster-1 cluster-2; do
  cat >"$LOCAL/$cluster.yaml" <<YAML
apiVersion: cluster.clusterpedia.io/v1alpha2
kind: PediaCluster
metadata:
  name: $cluster
spec:
  apiserver: "${URL[$cluster]}"
  caData: "$(b64 "$LOCAL/pki/$cluster-ca.crt")"
  tokenData: "$(printf '%s' "$SYNCHRO_TOKEN" | b64)"
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

if [ "$MODE" = hosted ]; then
  WHERE="registered in a simulated host cluster (${URL[host]}) as APIService v1beta1.clusterpedia.io"
else
  WHERE="standalone (no host cluster)"
fi
cat <<MSG

Clusterpedia is running on $SERVER, $WHERE, with two simulated member clusters.
Try:
  export KUBECONFIG=$KC
  kubectl get pediaclusters
  kubectl --cluster clusterpedia api-resources
  kubectl --cluster clusterpedia get deployments -A
  kubectl --cluster clusterpedia get deployments -A -l "search.clusterpedia.io/namespaces in (kube-system,default)"
  kubectl --cluster cluster-1 get deployments -A
  kubectl --cluster clusterpedia get pods -A -o wide
  kubectl --cluster clusterpedia get pods -A -w
  kubectl get collectionresources workloads --cluster clusterpedia-direct
  kubectl auth can-i list pods --as viewer
  kubectl --context viewer --cluster clusterpedia get deployments -A
  kubectl --context member-cluster-1 get deployments -A     # the member cluster itself, to compare
  curl --cacert .local/pki/server-ca.crt $SERVER/apis          # no credentials: 401 (docs/security.md)
Logs are in .local/logs/. Stop everything with hack/local-down.sh.
MSG
