using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>One <see cref="SyncedResource"/> as the synchro publishes it in the database for API-only processes.</summary>
internal sealed record SyncedResourceRow(
    string Group,
    string Version,
    string Resource,
    string Kind,
    string SingularName,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<CustomColumn>? PrinterColumns)
{
    public static SyncedResourceRow From(SyncedResource r) =>
        new(r.Resource.Group, r.Resource.Version, r.Resource.Resource, r.Kind, r.SingularName, r.Namespaced, r.ShortNames, r.Categories, r.PrinterColumns);

    public SyncedResource ToSyncedResource() =>
        new(new GroupVersionResource(Group, Version, Resource), Kind, SingularName, Namespaced, ShortNames ?? [], Categories ?? [], PrinterColumns);
}
