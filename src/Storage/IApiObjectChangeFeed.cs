namespace Clusterpedia.Storage;

/// <summary>
/// The revision log of our own objects, to serve their watch as the resources' feed serves searches: every create,
/// update and delete after a revision. Implemented by the database store; deletes are kept as tombstones for
/// <see cref="StorageOptions.TombstoneRetention"/>. A watch checks for it on the <see cref="IApiObjectStore"/> it has.
/// </summary>
public interface IApiObjectChangeFeed
{
    /// <summary>All objects of the resource and the store's revision, read together: a watch from that revision misses nothing.</summary>
    Task<ApiObjectList> ListWithRevisionAsync(string resource, CancellationToken cancellationToken);

    /// <summary>Changes of the resource with a revision greater than <paramref name="afterRevision"/>, oldest first.</summary>
    Task<ApiObjectChanges> GetChangesAsync(string resource, long afterRevision, CancellationToken cancellationToken);
}
