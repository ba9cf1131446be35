#!/usr/bin/env bash
# Regenerates deploy/clusterpedia.yaml, the one-file install, from deploy/base (ApiServer.Tests' Install tests check
# that the committed file is exactly `kubectl kustomize deploy/base`). Run it after changing deploy/base or crds/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_kubectl
# Exactly the kustomize output, no header of ours: the file must compare equal to a fresh build.
kubectl kustomize "$ROOT/deploy/base" >"$ROOT/deploy/clusterpedia.yaml"
log "wrote deploy/clusterpedia.yaml"
