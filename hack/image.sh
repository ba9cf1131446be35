#!/usr/bin/env bash
# Builds the container image clusterpedia/apiserver:<version> from Debian packages alone (no base image, no registry)
# into an OCI image archive:
#   hack/image.sh [--out DIR]        default DIR: .local/image; the version is the image tag in deploy/base/deployment.yaml
# 1. `dotnet publish` of src/ApiServer, self-contained for linux-x64 (no .NET in the image besides the app's own) and
#    trimmed (partial: the framework only; the settings are in the csproj), which takes the idle RSS from ~96 to ~65 MiB
#    (docs/benchmarks.md "Idle RSS by publish form"; hack/idle-rss.sh --server-dir DIR/publish measures it)
# 2. a Debian bookworm root filesystem: debootstrap --variant=minbase plus ca-certificates, libicu72 and libssl3 (what
#    the .NET runtime loads), cached under DIR/rootfs-cache, trimmed of apt lists, docs and man pages
# 3. the server in /app, user clusterpedia (65532, what deploy/base runs as), entrypoint /app/Clusterpedia.ApiServer
# 4. buildah with the vfs storage driver (no daemon, no overlay mounts): from scratch, copy, config, commit to
#    DIR/clusterpedia-apiserver-<version>.oci.tar
# Needs root (debootstrap, chroot) and `apt-get install debootstrap buildah`; hack/image-check.sh runs the result.
# Load it elsewhere with `skopeo copy oci-archive:<file> docker-daemon:clusterpedia/apiserver:<version>` or
# `ctr -n k8s.io images import <file>`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_dotnet

OUT="$LOCAL/image"
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=${2:?--out needs a directory}; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --out DIR)" ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || die "hack/image.sh needs root (debootstrap and the root filesystem's ownership)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
command -v buildah >/dev/null || die "buildah is missing: apt-get install buildah"

IMAGE=$(sed -n 's/^ *image: *\(clusterpedia\/apiserver:[^ ]*\) *$/\1/p' "$ROOT/deploy/base/deployment.yaml")
[ -n "$IMAGE" ] || die "no clusterpedia/apiserver image in deploy/base/deployment.yaml"
VERSION=${IMAGE##*:}
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ARCHIVE="$OUT/clusterpedia-apiserver-$VERSION.oci.tar"

log "publishing src/ApiServer (Release, self-contained, trimmed, linux-x64)"
rm -rf "$OUT/publish"
# EnableTrimAnalyzer=false: a global property, so the referenced projects' builds do not turn the trim analyzer's
# warnings into errors (warnings are errors here); what trimming means for this app is in the csproj.
dotnet publish "$ROOT/src/ApiServer/Clusterpedia.ApiServer.csproj" -c Release --self-contained -r linux-x64 \
  -p:PublishTrimmed=true -p:EnableTrimAnalyzer=false \
  -p:DebugType=none -o "$OUT/publish" --nologo -v quiet >"$OUT/publish.log" 2>&1 \
  || { cat "$OUT/publish.log"; die "dotnet publish failed"; }
# The build keeps XML documentation on (the analyzers need it); the image does not.
rm -f "$OUT"/publish/Clusterpedia.*.xml

CACHE="$OUT/rootfs-cache/$SUITE"
if [ ! -x "$CACHE/bin/sh" ]; then
  log "debootstrap $SUITE (minbase) from $MIRROR into $CACHE (once; later builds reuse it)"
  rm -rf "$CACHE"; mkdir -p "$(dirname "$CACHE")"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3 "$SUITE" "$CACHE" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 \
    || { tail -20 "$OUT/debootstrap.log"; rm -rf "$CACHE"; die "debootstrap failed (is $MIRROR reachable? set DEBIAN_MIRROR)"; }
fi

log "assembling the root filesystem"
STAGE="$OUT/rootfs"
rm -rf "$STAGE"
cp -a "$CACHE" "$STAGE"
rm -rf "$STAGE"/var/lib/apt/lists/* "$STAGE"/var/cache/apt/* "$STAGE"/var/cache/debconf/*-old "$STAGE"/var/log/* \
  "$STAGE"/usr/share/doc/* "$STAGE"/usr/share/man/* "$STAGE"/usr/share/info/* "$STAGE"/tmp/*
chmod 1777 "$STAGE/tmp"
echo "clusterpedia:x:65532:65532:clusterpedia:/nonexistent:/usr/sbin/nologin" >>"$STAGE/etc/passwd"
echo "clusterpedia:x:65532:" >>"$STAGE/etc/group"
mkdir -p "$STAGE/app" "$STAGE/etc/clusterpedia" "$STAGE/var/lib/clusterpedia"
cp -a "$OUT/publish/." "$STAGE/app/"
chown -R 0:0 "$STAGE/app"
chown 65532:65532 "$STAGE/var/lib/clusterpedia"

log "building $IMAGE with buildah (vfs storage)"
B=(buildah --storage-driver vfs)
CTR=$("${B[@]}" from --quiet scratch)
trap '"${B[@]}" rm "$CTR" >/dev/null 2>&1 || true' EXIT
"${B[@]}" copy --quiet "$CTR" "$STAGE/" / >/dev/null
"${B[@]}" config \
  --entrypoint '["/app/Clusterpedia.ApiServer"]' \
  --user 65532:65532 --workingdir /app --port 8443/tcp \
  --env DOTNET_RUNNING_IN_CONTAINER=true \
  --label org.opencontainers.image.title=clusterpedia-apiserver \
  --label org.opencontainers.image.version="$VERSION" \
  --label org.opencontainers.image.description="Clusterpedia-compatible multi-cluster search server" \
  --os linux --arch amd64 "$CTR"
rm -f "$ARCHIVE"
"${B[@]}" commit --quiet --format oci --rm "$CTR" "oci-archive:$ARCHIVE:$IMAGE" >/dev/null
trap - EXIT
# The archive is the product; buildah's own copy of the image would only hold disk.
"${B[@]}" rmi "$IMAGE" >/dev/null 2>&1 || true
rm -rf "$STAGE"
log "wrote $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)); check it with hack/image-check.sh $ARCHIVE"
