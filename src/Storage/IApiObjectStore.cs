namespace Clusterpedia.Storage;

/// <summary>Stores the objects of our own API (PediaClusters, ClusterSyncResources) when no host cluster holds them.</summary>
public interface IApiObjectStore
{
    Task<ApiObject?> GetAsync(string resource, string name, CancellationToken cancellationToken);

    /// <summary>All objects of the resource, ordered by name.</summary>
    Task<IReadOnlyList<ApiObject>> ListAsync(string resource, CancellationToken cancellationToken);

    /// <exception cref="ApiObjectConflictException">The object exists (<see cref="ApiObjectConflictException.AlreadyExists"/>).</exception>
    Task<ApiObject> CreateAsync(string resource, string name, ReadOnlyMemory<byte> obj, CancellationToken cancellationToken);

    /// <exception cref="ApiObjectNotFoundException">The object does not exist.</exception>
    /// <exception cref="ApiObjectConflictException">The stored revision is not <paramref name="expectedRevision"/>.</exception>
    Task<ApiObject> UpdateAsync(string resource, string name, ReadOnlyMemory<byte> obj, long? expectedRevision, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string resource, string name, CancellationToken cancellationToken);

    /// <summary>Raised with the resource after any successful write.</summary>
    event Action<string>? Changed;
}
