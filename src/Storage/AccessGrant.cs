namespace Clusterpedia.Storage;

/// <summary>
/// One part of a per-user visibility filter: the objects of <see cref="Cluster"/> a user may list, in
/// <see cref="Namespaces"/> only, or everywhere (cluster-scoped objects included) when it is null. With
/// <see cref="Group"/> and <see cref="Resource"/> set, the grant is limited to that type (collection searches span
/// types, and a user's access differs per type); null means the type of the query.
/// </summary>
public sealed record AccessGrant(string Cluster, IReadOnlyList<string>? Namespaces, string? Group = null, string? Resource = null);
