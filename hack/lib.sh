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
