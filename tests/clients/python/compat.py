#!/usr/bin/python3
"""Client compatibility checks with Debian's python3-kubernetes against the Clusterpedia search server.

Usage: compat.py KUBECONFIG CONTEXT MODE [ARGS...]. Every mode prints JSON on stdout (watch: one line per event) that
tests/Clients.Tests compares with what the member clusters return; a client error prints
{"error": {"status": N, "reason": "...", "kind": "..."}} and exits 0, so the test sees the Status.
"""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def key(obj):
    meta = obj["metadata"] if isinstance(obj, dict) else obj.metadata
    if isinstance(obj, dict):
        return "%s/%s/%s" % ((meta.get("annotations") or {}).get("shadow.clusterpedia.io/cluster-name", "?"),
                             meta.get("namespace") or "", meta["name"])
    return "%s/%s/%s" % ((meta.annotations or {}).get("shadow.clusterpedia.io/cluster-name", "?"),
                         meta.namespace or "", meta.name)


def out(value):
    print(json.dumps(value), flush=True)


def main():
    kubeconfig, context, mode, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    api = config.new_client_from_config(config_file=kubeconfig, context=context)
    core, apps, custom = client.CoreV1Api(api), client.AppsV1Api(api), client.CustomObjectsApi(api)
    try:
        if mode == "list-pods":
            pods = core.list_pod_for_all_namespaces(label_selector=args[0] if args else None)
            out({"keys": [key(p) for p in pods.items], "resourceVersion": pods.metadata.resource_version})
        elif mode == "list-deployments":
            deployments = apps.list_deployment_for_all_namespaces()
            out({"keys": [key(d) for d in deployments.items]})
        elif mode == "page-pods":
            keys, remaining, token = [], [], None
            while True:
                page = core.list_pod_for_all_namespaces(limit=int(args[0]), _continue=token)
                keys.extend(key(p) for p in page.items)
                token = page.metadata._continue
                if not token:
                    break
                remaining.append(page.metadata.remaining_item_count)
            out({"keys": keys, "remaining": remaining})
        elif mode == "custom-list":
            group, version, plural = args
            objects = custom.list_cluster_custom_object(group, version, plural)
            out({"keys": [key(o) for o in objects["items"]], "names": [o["metadata"]["name"] for o in objects["items"]]})
        elif mode == "custom-crud":
            name, apiserver = args
            body = {"apiVersion": "cluster.clusterpedia.io/v1alpha2", "kind": "PediaCluster", "metadata": {"name": name},
                    "spec": {"apiserver": apiserver, "syncResources": [{"group": "", "resources": ["configmaps"]}]}}
            group, version, plural = "cluster.clusterpedia.io", "v1alpha2", "pediaclusters"
            created = custom.create_cluster_custom_object(group, version, plural, body)
            read = custom.get_cluster_custom_object(group, version, plural, name)
            patched = custom.patch_cluster_custom_object(group, version, plural, name, {"metadata": {"labels": {"team": "python"}}})
            custom.delete_cluster_custom_object(group, version, plural, name)
            out({"created": created["metadata"]["name"], "apiserver": read["spec"]["apiserver"],
                 "labels": patched["metadata"].get("labels") or {}})
        elif mode == "read-pod":
            pod = core.read_namespaced_pod(args[1], args[0])
            out({"key": key(pod), "uid": pod.metadata.uid})
        elif mode == "watch-pods":
            # Streams every event of the named pod as it arrives and stops at its DELETED.
            label_selector, name, timeout = args
            for event in watch.Watch().stream(core.list_pod_for_all_namespaces, label_selector=label_selector,
                                              timeout_seconds=int(timeout)):
                obj = event["object"]
                if obj.metadata.name == name:
                    out({"type": event["type"], "key": key(obj), "labels": obj.metadata.labels or {}})
                    if event["type"] == "DELETED":
                        break
            out({"type": "END"})
        else:
            raise SystemExit("unknown mode " + mode)
    except ApiException as e:
        status = json.loads(e.body) if e.body else {}
        out({"error": {"status": e.status, "reason": status.get("reason"), "kind": status.get("kind")}})


if __name__ == "__main__":
    main()
