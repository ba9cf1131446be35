namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Names of the PediaCluster API, in the group Clusterpedia uses today and in the seed's older group. This folder is
/// the one home of the API type: names here, the synchro's view (<see cref="PediaClusterSpec"/>), conversion
/// (<see cref="PediaClusterConversion"/>), validation, printer columns, the OpenAPI schemas and the CRDs built from
/// them (<see cref="PediaClusterCrd"/>, which crds/*.yaml must equal).
/// </summary>
public static class PediaClusterResource
{
    public const string Group = "cluster.clusterpedia.io";
    public const string Version = "v1alpha2";
    public const string LegacyGroup = "clusters.clusterpedia.io";
    public const string LegacyVersion = "v1alpha1";
    public const string Resource = "pediaclusters";
    public const string Kind = "PediaCluster";
    public const string Singular = "pediacluster";

    /// <summary>What <c>kubectl get pc</c> resolves.</summary>
    public static IReadOnlyList<string> ShortNames { get; } = ["pc"];

    /// <summary>The key under which PediaClusters live in the API object store (always in the v1alpha2 form).</summary>
    public const string StorageKey = Resource + "." + Group;

    /// <summary>
    /// Keeps a deleted PediaCluster until the synchro manager has stopped its synchro and removed its objects, so a
    /// deletion is never lost, even across a restart.
    /// </summary>
    public const string Finalizer = "clusterpedia.io/cluster-data";

    public const string SyncResourcesResource = "clustersyncresources";
    public const string SyncResourcesKind = "ClusterSyncResources";
    public const string SyncResourcesSingular = "clustersyncresources";
    public const string SyncResourcesStorageKey = SyncResourcesResource + "." + Group;
}
