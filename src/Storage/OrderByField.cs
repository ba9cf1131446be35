namespace Clusterpedia.Storage;

/// <summary>The allow-listed sort fields: nothing else ever reaches the ORDER BY clause.</summary>
public enum OrderByField
{
    Cluster,
    Namespace,
    Name,
    CreatedAt,

    /// <summary>Sorted numerically (shorter first, then lexically), as resourceVersions are decimal integers.</summary>
    ResourceVersion,
}
