using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.Resources;

/// <summary>
/// What the API server needs to know about one resource a cluster syncs: enough for discovery and tables. For custom
/// resources, <paramref name="PrinterColumns"/> are the CRD's additionalPrinterColumns of the synced version.
/// </summary>
public sealed record SyncedResource(
    GroupVersionResource Resource,
    string Kind,
    string SingularName,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<CustomColumn>? PrinterColumns = null);
