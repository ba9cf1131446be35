namespace Clusterpedia.Storage;

/// <summary>
/// One entry of <see cref="IApiObjectChangeFeed"/>. <see cref="ApiObject.Revision"/> is the change's revision: for a
/// delete, the revision of the delete, with the object's last state.
/// </summary>
public sealed record ApiObjectChange(ResourceChangeType Type, ApiObject Object)
{
    /// <summary>An upsert of an object created after the revision the changes were asked from (ADDED, not MODIFIED).</summary>
    public bool IsNew { get; init; }
}
