using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>The real storage, with a count of the rows the synchro asked to write and delete.</summary>
public sealed class CountingResourceStorage(IResourceStorage inner) : IResourceStorage
{
    private long _upserted;
    private long _deleted;
    private readonly Dictionary<GroupVersionResource, int> _versionReads = [];

    public long Upserted => Interlocked.Read(ref _upserted);

    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>Called after each upsert with its records, e.g. to change the member cluster in the middle of a list.</summary>
    public Action<IReadOnlyList<ResourceRecord>>? AfterUpsert { get; set; }

    /// <summary>How many times the synchro read the stored versions of a resource: once per list.</summary>
    public int VersionReads(GroupVersionResource resource)
    {
        lock (_versionReads)
        {
            return _versionReads.GetValueOrDefault(resource);
        }
    }

    public Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken cancellationToken) =>
        UpsertFencedAsync(records, fence: null, cancellationToken);

    public async Task UpsertFencedAsync(IReadOnlyList<ResourceRecord> records, WriteFence? fence, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _upserted, records.Count);
        await inner.UpsertFencedAsync(records, fence, cancellationToken);
        AfterUpsert?.Invoke(records);
    }

    public Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken cancellationToken) =>
        DeleteFencedAsync(keys, fence: null, cancellationToken);

    public Task DeleteFencedAsync(IReadOnlyList<ResourceKey> keys, WriteFence? fence, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _deleted, keys.Count);
        return inner.DeleteFencedAsync(keys, fence, cancellationToken);
    }

    public Task UpdateWorkloadsAsync(IReadOnlyList<WorkloadUpdate> updates, CancellationToken cancellationToken) => inner.UpdateWorkloadsAsync(updates, cancellationToken);

    public Task<StoredResource?> GetAsync(ResourceKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<ResourceListResult> ListAsync(ResourceQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<(string Namespace, string Name), string>> GetResourceVersionsAsync(
        string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        lock (_versionReads)
        {
            _versionReads[resource] = _versionReads.GetValueOrDefault(resource) + 1;
        }

        return inner.GetResourceVersionsAsync(cluster, resource, cancellationToken);
    }

    public Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken) => inner.DeleteClusterAsync(cluster, cancellationToken);

    public Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken) =>
        inner.DeleteClusterResourceAsync(cluster, resource, cancellationToken);

    public Task<IReadOnlyList<GroupVersionResource>> GetClusterResourcesAsync(string cluster, CancellationToken cancellationToken) =>
        inner.GetClusterResourcesAsync(cluster, cancellationToken);
}
