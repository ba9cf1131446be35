namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// One column of <c>kubectl get pediaclusters</c>: the CRD's additionalPrinterColumn (name, type, JSONPath, priority,
/// description) and the column our own server prints.
/// </summary>
public sealed record PediaClusterPrinterColumn(string Name, string Type, string JsonPath, int Priority, string Description)
{
    /// <summary>The columns after Name; priority 1 shows with <c>-o wide</c>.</summary>
    public static IReadOnlyList<PediaClusterPrinterColumn> All { get; } =
    [
        new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", 0, "The Ready condition of the cluster."),
        new("Version", "string", ".status.version", 0, "The Kubernetes version of the member cluster."),
        new("APIServer", "string", ".status.apiserver", 0, "The address of the member cluster's API server."),
        new("Validated", "string", ".status.conditions[?(@.type==\"Validated\")].status", 1, "The Validated condition of the cluster."),
        new("SynchroRunning", "string", ".status.conditions[?(@.type==\"SynchroRunning\")].status", 1, "The SynchroRunning condition of the cluster."),
        new("ClusterHealthy", "string", ".status.conditions[?(@.type==\"ClusterHealthy\")].status", 1, "The ClusterHealthy condition of the cluster."),
    ];
}
