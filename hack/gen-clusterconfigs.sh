#!/usr/bin/env bash
# Adds search "shortcuts" to the current kubeconfig, as Clusterpedia's `make gen-clusterconfigs` does:
#   cluster "clusterpedia"  -> <server>/apis/clusterpedia.io/v1beta1/resources              (all clusters)
#   cluster "<name>"        -> <server>/apis/clusterpedia.io/v1beta1/resources/clusters/<name> (one per PediaCluster)
# <server> and its TLS settings come from the cluster of the current context (the server where PediaClusters live).
# Then: kubectl --cluster clusterpedia get deployments -A
set -euo pipefail
KUBECTL=${KUBECTL:-kubectl}

context=$($KUBECTL config current-context)
cluster=$($KUBECTL config view -o jsonpath="{.contexts[?(@.name==\"$context\")].context.cluster}")
[ -n "$cluster" ] || { echo "error: context $context has no cluster" >&2; exit 1; }
jp() { $KUBECTL config view --raw -o jsonpath="{.clusters[?(@.name==\"$cluster\")].cluster.$1}"; }
server=$(jp server)
ca_data=$(jp certificate-authority-data)
ca_file=$(jp certificate-authority)
tls_server_name=$(jp tls-server-name)
insecure=$(jp insecure-skip-tls-verify)

echo "Current Context: $context"
echo "Current Cluster: $cluster"
echo "    Server: $server"
echo "    TLS Server Name: $tls_server_name"
echo "    Insecure Skip TLS Verify: $insecure"
echo "    Certificate Authority: $ca_file"
echo "    Certificate Authority Data: $([ -n "$ca_data" ] && echo '***')"
echo

set_cluster() { # name server
  $KUBECTL config set-cluster "$1" --server="$2" >/dev/null
  [ -z "$ca_data" ] || $KUBECTL config set "clusters.$1.certificate-authority-data" "$ca_data" >/dev/null
  [ -z "$ca_file" ] || $KUBECTL config set "clusters.$1.certificate-authority" "$ca_file" >/dev/null
  [ -z "$tls_server_name" ] || $KUBECTL config set "clusters.$1.tls-server-name" "$tls_server_name" >/dev/null
  [ "$insecure" != "true" ] || $KUBECTL config set "clusters.$1.insecure-skip-tls-verify" true >/dev/null
  echo "Cluster \"$1\" set."
}

base="${server%/}/apis/clusterpedia.io/v1beta1/resources"
set_cluster clusterpedia "$base"
for name in $($KUBECTL get pediaclusters.cluster.clusterpedia.io -o jsonpath='{.items[*].metadata.name}'); do
  set_cluster "$name" "$base/clusters/$name"
done
