using Clusterpedia.Kube;

namespace Clusterpedia.ClusterSynchro.Resources;

/// <summary>What the API server needs to know about one resource a cluster syncs: enough for discovery and tables.</summary>
public sealed record SyncedResource(
    GroupVersionResource Resource,
    string Kind,
    string SingularName,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories);
