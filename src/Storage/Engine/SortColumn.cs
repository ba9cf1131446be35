namespace Clusterpedia.Storage.Engine;

/// <summary>A column of the effective sort: the allow-listed fields expanded, plus the unique-key tie-breakers.</summary>
internal enum SortColumn
{
    Cluster,
    Namespace,
    Name,
    CreatedAt,

    /// <summary>length(resource_version): with <see cref="ResourceVersion"/> it sorts decimal strings numerically.</summary>
    ResourceVersionLength,
    ResourceVersion,

    /// <summary>Tie-breakers of collection searches, where (cluster, namespace, name) repeats across types.</summary>
    Group,
    Version,
    Resource,
}
