# Shared helpers for hack/ scripts. Source it; do not run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where the demo keeps its binaries, data, logs and kubeconfig; tests point it at a temporary directory.
LOCAL="${CLUSTERPEDIA_LOCAL_DIR:-$ROOT/.local}"

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# free_port PREFERRED: prints PREFERRED if nothing listens there, else a free port chosen by the kernel.
free_port() {
  python3 - "$1" <<'PY'
import socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
p = int(sys.argv[1])
if not free(p):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
print(p)
PY
}

# wait_http URL SECONDS: waits until URL answers 200.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# wait_http_ca URL CAFILE SECONDS: like wait_http, verifying the server against CAFILE.
wait_http_ca() {
  local url=$1 ca=$2 deadline=$((SECONDS + $3))
  until curl -fsS --cacert "$ca" -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

require_kubectl() {
  command -v kubectl >/dev/null 2>&1 && return 0
  log "kubectl not found; installing Debian's kubernetes-client"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq kubernetes-client >/dev/null; fi
  command -v kubectl >/dev/null 2>&1 || die "kubectl is required: install it (apt-get install kubernetes-client)"
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK 10 is required (dotnet on PATH)"
}

# ---- Shared by local-up.sh and scale-up.sh. RUN is where started processes keep their pid files, logs,
# kubeconfigs and certificates ($LOCAL for the demo, $LOCAL/scale for the scale-out topology); binaries stay in $LOCAL/bin.
RUN="${RUN:-$LOCAL}"

random_token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
b64() { base64 -w0 "$@"; }

# build_binaries: publishes the simulator, the server and pediactl (Release) into $LOCAL/bin.
build_binaries() {
  mkdir -p "$LOCAL/bin" "$RUN/logs"
  log "building (Release)"
  dotnet publish "$ROOT/src/KubeSim/Clusterpedia.KubeSim.csproj" -c Release -o "$LOCAL/bin/kubesim" --nologo -v quiet >"$RUN/logs/build.log" 2>&1 \
    || { cat "$RUN/logs/build.log"; die "building the simulator failed"; }
  dotnet publish "$ROOT/src/ApiServer/Clusterpedia.ApiServer.csproj" -c Release -o "$LOCAL/bin/apiserver" --nologo -v quiet >>"$RUN/logs/build.log" 2>&1 \
    || { cat "$RUN/logs/build.log"; die "building the server failed"; }
  # pediactl (plugins, diagnose): runnable as .local/bin/pediactl.
  dotnet publish "$ROOT/src/Ctl/Clusterpedia.Ctl.csproj" -c Release -o "$LOCAL/bin/pediactl-app" --nologo -v quiet >>"$RUN/logs/build.log" 2>&1 \
    || { cat "$RUN/logs/build.log"; die "building pediactl failed"; }
  ln -sf pediactl-app/pediactl "$LOCAL/bin/pediactl"
}

# start NAME COMMAND...: runs in its own session, output to $RUN/logs/NAME.log, pid in $RUN/NAME.pid
start() {
  local name=$1; shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
}

# write_tokens: the static token file $RUN/pki/tokens.csv (TOKENS) and ADMIN_TOKEN, VIEWER_TOKEN, SYNCHRO_TOKEN, SERVER_TOKEN.
write_tokens() {
  # One static token file for every simulated apiserver, as kube-apiserver's --token-auth-file: the same users exist
  # in the host and the members, so one kubeconfig user works against all of them.
  ADMIN_TOKEN=$(random_token); VIEWER_TOKEN=$(random_token); SYNCHRO_TOKEN=$(random_token); SERVER_TOKEN=$(random_token)
  TOKENS="$RUN/pki/tokens.csv"
  umask 077
  cat >"$TOKENS" <<CSV
$ADMIN_TOKEN,admin,uid-admin,"system:masters"
$VIEWER_TOKEN,viewer,uid-viewer
$SYNCHRO_TOKEN,clusterpedia-synchro,uid-clusterpedia-synchro
$SERVER_TOKEN,system:serviceaccount:clusterpedia-system:clusterpedia-apiserver,uid-clusterpedia-apiserver,"system:serviceaccounts,system:serviceaccounts:clusterpedia-system"
CSV
  umask 022
}

# start_sim NAME PORT SEED EXTRA-ARGS...: an HTTPS simulator using $TOKENS; waits until it answers, sets SIM_URL and
# writes its CA to $RUN/pki/NAME-ca.crt.
start_sim() {
  local name=$1 port=$2 seed=$3; shift 3
  log "starting simulated cluster $name on port $port"
  start "$name" dotnet "$LOCAL/bin/kubesim/Clusterpedia.KubeSim.dll" --name "$name" --port "$port" --seed "$seed" --tls \
    --token-auth-file "$TOKENS" --kubeconfig-out "$RUN/$name.kubeconfig" "$@"
  local deadline=$((SECONDS + 60))
  until [ -s "$RUN/$name.kubeconfig" ]; do
    [ $SECONDS -lt $deadline ] || { tail -20 "$RUN/logs/$name.log"; die "$name did not start"; }
    sleep 0.3
  done
  sed -n 's/^ *certificate-authority-data: *//p' "$RUN/$name.kubeconfig" | base64 -d >"$RUN/pki/$name-ca.crt"
  [ -s "$RUN/pki/$name-ca.crt" ] || die "$name wrote no CA to $RUN/$name.kubeconfig"
  wait_http_ca "https://127.0.0.1:$port/livez" "$RUN/pki/$name-ca.crt" 60 || { tail -20 "$RUN/logs/$name.log"; die "$name did not start"; }
  SIM_URL="https://127.0.0.1:$port"
}

# server_cert: a CA ($RUN/pki/server-ca.crt) and the server's certificate ($RUN/pki/server.{crt,key}) for 127.0.0.1,
# localhost and the in-cluster Service name ($SERVICE.$SERVICE_NS.svc).
server_cert() {
  log "serving certificate for our server ($SERVICE.$SERVICE_NS.svc, 127.0.0.1)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj "/CN=clusterpedia-local-ca" \
    -keyout "$RUN/pki/server-ca.key" -out "$RUN/pki/server-ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$SERVICE.$SERVICE_NS.svc" \
    -keyout "$RUN/pki/server.key" -out "$RUN/pki/server.csr" 2>/dev/null
  openssl x509 -req -in "$RUN/pki/server.csr" -CA "$RUN/pki/server-ca.crt" -CAkey "$RUN/pki/server-ca.key" -CAcreateserial -days 365 \
    -out "$RUN/pki/server.crt" -extfile <(printf 'subjectAltName=DNS:%s.%s.svc,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$SERVICE" "$SERVICE_NS") 2>/dev/null
  chmod 600 "$RUN/pki/"*.key
}

# synchro_rbac_yaml: a member's RBAC for the synchro: user clusterpedia-synchro may get, list and watch everything.
synchro_rbac_yaml() {
  cat <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: clusterpedia-synchro
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
- nonResourceURLs: ["*"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: clusterpedia-synchro
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: clusterpedia-synchro}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: clusterpedia-synchro}
YAML
}
