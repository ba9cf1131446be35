namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// The field selectors kube-apiserver accepts per built-in resource (besides metadata.name and metadata.namespace,
/// which every resource accepts). Anything else is answered with 400 "field label not supported".
/// </summary>
internal static class SelectableFields
{
    private static readonly Dictionary<string, string[]> _byGroupResource = new(StringComparer.Ordinal)
    {
        ["pods"] =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
            "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName",
        ],
        ["nodes"] = ["spec.unschedulable"],
        ["namespaces"] = ["status.phase"],
        ["secrets"] = ["type"],
        ["services"] = ["spec.clusterIP", "spec.type"],
        ["replicationcontrollers"] = ["status.replicas"],
        ["events"] =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
        ["replicasets.apps"] = ["status.replicas"],
        ["jobs.batch"] = ["status.successful"],
        ["certificatesigningrequests.certificates.k8s.io"] = ["spec.signerName"],
    };

    public static IReadOnlyList<string> For(string groupResource) =>
        _byGroupResource.TryGetValue(groupResource, out var fields) ? fields : [];
}
