namespace Clusterpedia.Storage;

/// <summary>What changed after a revision, oldest first.</summary>
public sealed class ResourceChanges
{
    public required IReadOnlyList<ResourceChange> Changes { get; init; }

    /// <summary>Highest revision of the store when read: poll again after it once <see cref="Changes"/> is drained.</summary>
    public long Revision { get; init; }

    /// <summary>
    /// The requested revision is older than the kept history (tombstones pruned, or a cluster or resource removed
    /// wholesale): the caller must list again (a watch answers 410 Gone).
    /// </summary>
    public bool Expired { get; init; }
}
