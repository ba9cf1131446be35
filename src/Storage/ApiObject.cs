namespace Clusterpedia.Storage;

/// <summary>One of our own API objects (PediaCluster, ClusterSyncResources) in standalone mode.</summary>
/// <param name="Resource">Group-qualified resource, e.g. <c>pediaclusters.cluster.clusterpedia.io</c>.</param>
/// <param name="Name">Object name (our objects are cluster-scoped).</param>
/// <param name="Revision">Global store revision of the last write: the object's resourceVersion.</param>
/// <param name="Object">UTF-8 JSON of the object.</param>
public sealed record ApiObject(string Resource, string Name, long Revision, ReadOnlyMemory<byte> Object);
