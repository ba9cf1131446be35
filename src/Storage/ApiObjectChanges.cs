namespace Clusterpedia.Storage;

/// <summary>What changed in one of our resources after a revision, oldest first.</summary>
public sealed class ApiObjectChanges
{
    public required IReadOnlyList<ApiObjectChange> Changes { get; init; }

    /// <summary>The store's revision when read: the caller is current up to it once <see cref="Changes"/> are sent.</summary>
    public long Revision { get; init; }

    /// <summary>The requested revision is older than the kept tombstones: the caller must list again (410 Expired).</summary>
    public bool Expired { get; init; }
}
