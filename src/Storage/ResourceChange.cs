namespace Clusterpedia.Storage;

/// <summary>One entry of the change feed; <see cref="StoredResource.Revision"/> orders it.</summary>
public sealed record ResourceChange(ResourceChangeType Type, StoredResource Resource)
{
    /// <summary>
    /// An upsert of an object created after the revision the changes were asked from: a watcher that was current at
    /// that revision has never seen it (ADDED, not MODIFIED).
    /// </summary>
    public bool IsNew { get; init; }
}
