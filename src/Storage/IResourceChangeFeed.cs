namespace Clusterpedia.Storage;

/// <summary>
/// The store's revision log, to serve watches: every upsert and delete after a revision, in revision order. Each
/// object appears at most once per state (intermediate updates of a row are not kept); deletes are kept as tombstones
/// for <see cref="StorageOptions.TombstoneRetention"/>.
/// </summary>
public interface IResourceChangeFeed
{
    /// <summary>
    /// Changes with a revision greater than <paramref name="afterRevision"/> matching the query's filters (paging,
    /// order and continue of the query are ignored), at most <paramref name="limit"/> of them.
    /// </summary>
    Task<ResourceChanges> GetChangesAsync(ResourceQuery query, long afterRevision, int limit, CancellationToken cancellationToken);
}
