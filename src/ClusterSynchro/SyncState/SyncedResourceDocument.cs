namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>The resources one cluster syncs, as stored under <see cref="SyncedResourcePublisher.StorageKey"/>.</summary>
internal sealed record SyncedResourceDocument(IReadOnlyList<SyncedResourceRow> Resources);
