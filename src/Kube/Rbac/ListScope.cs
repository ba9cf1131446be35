namespace Clusterpedia.Kube.Rbac;

/// <summary>
/// Where a user may list one resource in one cluster: every namespace and the cluster scope, or only the namespaces
/// named (possibly none).
/// </summary>
public sealed record ListScope(bool AllNamespaces, IReadOnlySet<string> Namespaces)
{
    public static ListScope All { get; } = new(true, new HashSet<string>(StringComparer.Ordinal));

    public static ListScope None { get; } = new(false, new HashSet<string>(StringComparer.Ordinal));

    public bool IsEmpty => !AllNamespaces && Namespaces.Count == 0;

    /// <summary>True when an object in <paramref name="ns"/> (empty: cluster-scoped) is inside the scope.</summary>
    public bool Covers(string ns) => AllNamespaces || (ns.Length > 0 && Namespaces.Contains(ns));
}
