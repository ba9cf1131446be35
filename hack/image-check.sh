#!/usr/bin/env bash
# Runs the image hack/image.sh built, the way a container runtime would, and checks that it serves /readyz:
#   hack/image-check.sh [ARCHIVE]     default: the newest .local/image/clusterpedia-apiserver-*.oci.tar
# Unpacks the OCI archive's layers (index -> manifest -> layers) into a root filesystem, then starts the image's
# entrypoint with its environment, user and working directory in a chroot (its own /proc and a minimal /dev), in
# standalone mode with a throwaway certificate, SQLite under /tmp and a token file, and waits for /readyz to answer 200.
# Needs root (chroot, mount).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ARCHIVE=${1:-$(ls -t "$LOCAL"/image/clusterpedia-apiserver-*.oci.tar 2>/dev/null | head -1 || true)}
[ -f "${ARCHIVE:-}" ] || die "no image archive (run hack/image.sh first, or pass its path)"
[ "$(id -u)" = 0 ] || die "hack/image-check.sh needs root (chroot, mount)"

WORK=$(mktemp -d /tmp/clusterpedia-image-check.XXXXXX)
ROOTFS="$WORK/rootfs"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  umount "$ROOTFS/proc" 2>/dev/null || true
  # Never delete through a mount: if anything is still mounted under the work directory, leave it all in place.
  if grep -q " $WORK/" /proc/mounts; then
    log "still mounted under $WORK; not removing it"
  else
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT

log "unpacking $ARCHIVE"
mkdir -p "$WORK/oci" "$ROOTFS"
tar -xf "$ARCHIVE" -C "$WORK/oci"
# index.json -> the image manifest -> its config and layers (blobs/sha256/<hex>); layers may be gzip or plain tar.
python3 - "$WORK/oci" >"$WORK/plan" <<'PY'
import json, os, sys
oci = sys.argv[1]
blob = lambda d: os.path.join(oci, "blobs", *d.split(":", 1))
manifest = json.load(open(blob(json.load(open(os.path.join(oci, "index.json")))["manifests"][0]["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))["config"]
for layer in manifest["layers"]:
    print("layer", blob(layer["digest"]))
print("user", config.get("User", "0:0"))
print("workdir", config.get("WorkingDir", "/"))
print("entrypoint", json.dumps(config.get("Entrypoint") or []))
for env in config.get("Env", []):
    print("env", env)
PY
while read -r key value; do
  [ "$key" = layer ] && tar -xf "$value" -C "$ROOTFS"
done <"$WORK/plan"
USER_SPEC=$(sed -n 's/^user //p' "$WORK/plan")
WORKDIR=$(sed -n 's/^workdir //p' "$WORK/plan")
mapfile -t ENTRYPOINT < <(sed -n 's/^entrypoint //p' "$WORK/plan" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
mapfile -t ENV < <(sed -n 's/^env //p' "$WORK/plan")
[ ${#ENTRYPOINT[@]} -gt 0 ] || die "the image has no entrypoint"
log "entrypoint ${ENTRYPOINT[*]}, user $USER_SPEC, workdir $WORKDIR"

# What a pod would get: a writable /tmp, a certificate and, in standalone mode, a token file.
CHECK=/tmp/check
mkdir -p "$ROOTFS$CHECK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$ROOTFS$CHECK/tls.key" -out "$ROOTFS$CHECK/tls.crt" 2>/dev/null
echo "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'),admin,uid-admin,\"system:masters\"" >"$ROOTFS$CHECK/tokens.csv"
chown -R "$USER_SPEC" "$ROOTFS$CHECK"
# /proc as a runtime mounts it; /dev as the few nodes a runtime creates (never a bind of the host's /dev, whose nodes
# the cleanup would otherwise reach).
mount -t proc proc "$ROOTFS/proc"
rm -rf "${ROOTFS:?}/dev"; mkdir -p "$ROOTFS/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$node"
  mknod -m 666 "$ROOTFS/dev/$name" c "$major" "$minor"
done
ln -s /proc/self/fd "$ROOTFS/dev/fd"

PORT=$(free_port 18443)
log "starting the image's entrypoint in a chroot on https://127.0.0.1:$PORT"
# A runtime's default PATH unless the image sets one (it does not: the entrypoint is absolute).
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${ENV[@]}" HOME=/nonexistent /usr/sbin/chroot --userspec="$USER_SPEC" "$ROOTFS" /bin/sh -c 'cd "$0" && exec "$@"' "$WORKDIR" \
  "${ENTRYPOINT[@]}" --urls "https://127.0.0.1:$PORT" --tls-cert-file "$CHECK/tls.crt" --tls-private-key-file "$CHECK/tls.key" \
  --Storage:Engine sqlite --Storage:ConnectionString "Data Source=$CHECK/clusterpedia.db" --token-auth-file "$CHECK/tokens.csv" \
  >"$WORK/server.log" 2>&1 &
PID=$!
deadline=$((SECONDS + 90))
until curl -fsS --cacert "$ROOTFS$CHECK/tls.crt" -o /dev/null "https://127.0.0.1:$PORT/readyz" 2>/dev/null; do
  if ! kill -0 "$PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then break; fi
  sleep 0.5
done
if ! curl -fsS --cacert "$ROOTFS$CHECK/tls.crt" -o /dev/null "https://127.0.0.1:$PORT/readyz" 2>/dev/null; then
  tail -40 "$WORK/server.log"
  die "the image's entrypoint did not serve /readyz (exited, or not within 90 s)"
fi
log "ok: $(curl -fsS --cacert "$ROOTFS$CHECK/tls.crt" "https://127.0.0.1:$PORT/readyz") from /readyz of the image's entrypoint ($(du -shx "$ROOTFS" 2>/dev/null | cut -f1) unpacked)"
