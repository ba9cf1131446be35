using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Workloads.Plugins;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// Every resource our standalone API serves at the server root, by group and version: the wiring of the PediaCluster
/// API type (src/ClusterSynchro/Clusters: names, conversion, validation, printer, schema) into the server.
/// </summary>
internal static class OwnApiRegistry
{
    public static readonly IReadOnlyList<OwnResource> All =
    [
        new(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.Resource, PediaClusterResource.Kind, PediaClusterResource.Singular, PediaClusterResource.ShortNames,
            PediaClusterResource.StorageKey, HasStatus: true, o => o, o => o, PediaClusterValidation.ValidateV1Alpha2, PediaClusterPrinter.Instance),
        new(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.SyncResourcesResource, PediaClusterResource.SyncResourcesKind, PediaClusterResource.SyncResourcesSingular, [],
            PediaClusterResource.SyncResourcesStorageKey, HasStatus: false, o => o, o => o, PediaClusterValidation.ValidateSyncResources, TablePrinters.Default),
        new(PediaClusterResource.LegacyGroup, PediaClusterResource.LegacyVersion, PediaClusterResource.Resource, PediaClusterResource.Kind, PediaClusterResource.Singular, [],
            PediaClusterResource.StorageKey, HasStatus: true, PediaClusterConversion.ToV1Alpha2, PediaClusterConversion.ToV1Alpha1, PediaClusterValidation.ValidateV1Alpha1, PediaClusterPrinter.Instance),
        new(WorkloadPluginResource.Group, WorkloadPluginResource.Version, WorkloadPluginResource.Resource, WorkloadPluginResource.Kind, WorkloadPluginResource.Singular, WorkloadPluginResource.ShortNames,
            WorkloadPluginResource.StorageKey, HasStatus: true, o => o, o => o, WorkloadPluginValidation.Validate, WorkloadPluginPrinter.Instance, InDatabase: true),
    ];

    public static OwnResource? Find(string group, string version, string resource) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Resource == resource);

    public static IEnumerable<string> Groups => All.Select(r => r.Group).Distinct();
}
