using Clusterpedia.Kube;

namespace Clusterpedia.Storage;

/// <summary>The store of member-cluster objects and the search engine over them.</summary>
public interface IResourceStorage
{
    /// <summary>
    /// Writes the records in one transaction. Rows are keyed by (cluster, group, version, resource, namespace, name);
    /// a row whose stored resource_version equals the new one is not rewritten; each write gets a new global revision.
    /// </summary>
    Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="UpsertAsync"/> of a sharded synchro: refused with
    /// <see cref="FencedWriteException"/> (nothing written) unless the cluster's stored lease generation is the fence's.
    /// </summary>
    Task UpsertFencedAsync(IReadOnlyList<ResourceRecord> records, WriteFence? fence, CancellationToken cancellationToken);

    /// <summary>Deletes the rows of the keys (missing ones are ignored) in one transaction.</summary>
    Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken cancellationToken);

    /// <summary><see cref="DeleteAsync"/> under a fence, as <see cref="UpsertFencedAsync"/>.</summary>
    Task DeleteFencedAsync(IReadOnlyList<ResourceKey> keys, WriteFence? fence, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites the workload columns of stored rows (missing keys are ignored) in one transaction, without touching the
    /// objects or their revisions, then brings the rows that follow a middle owner in step with it.
    /// </summary>
    Task UpdateWorkloadsAsync(IReadOnlyList<WorkloadUpdate> updates, CancellationToken cancellationToken);

    Task<StoredResource?> GetAsync(ResourceKey key, CancellationToken cancellationToken);

    /// <summary>Searches one resource type. Bad input throws <see cref="InvalidQueryException"/>.</summary>
    Task<ResourceListResult> ListAsync(ResourceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Searches one resource type and hands the items over as they are read, for lists without a limit: memory then
    /// stays bounded by one row however many match. Bad input throws <see cref="InvalidQueryException"/> before any
    /// item. A query with a limit is read as one page (it is bounded, and its continue token follows its last row).
    /// </summary>
    async Task<ResourceListReader> OpenListAsync(ResourceQuery query, CancellationToken cancellationToken) =>
        ResourceListReader.FromResult(await ListAsync(query, cancellationToken).ConfigureAwait(false));

    /// <summary>Stored resourceVersions of one resource of one cluster, to resume syncing after a restart.</summary>
    Task<IReadOnlyDictionary<(string Namespace, string Name), string>> GetResourceVersionsAsync(
        string cluster, GroupVersionResource resource, CancellationToken cancellationToken);

    Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken);

    Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken);

    /// <summary>The resources (group, version, resource) that have at least one stored row of the cluster.</summary>
    Task<IReadOnlyList<GroupVersionResource>> GetClusterResourcesAsync(string cluster, CancellationToken cancellationToken);
}
