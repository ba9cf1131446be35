namespace Clusterpedia.Storage;

/// <summary>
/// The database's own-object table as a store of its own. It is the <see cref="IApiObjectStore"/> in standalone mode,
/// and it stays in the database when a host cluster holds the PediaClusters (hosted mode), so every process on one
/// database can publish state to the others through it whatever the cluster source, with the change feed to follow it.
/// Keys other than our served resources (e.g. the synchro's catalog of synced resources) are never served by the API.
/// </summary>
public interface IDatabaseObjectStore : IApiObjectStore, IApiObjectChangeFeed
{
    /// <summary>
    /// Deletes the object only while it is at <paramref name="expectedRevision"/>: a write landing after the caller's
    /// read (a finalizer added, a spec changed) is not deleted unseen. False when there is no such object.
    /// </summary>
    /// <exception cref="ApiObjectConflictException">The object is at another revision.</exception>
    Task<bool> DeleteAsync(string resource, string name, long expectedRevision, CancellationToken cancellationToken);
}
