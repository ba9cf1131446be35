namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>One entry of <c>spec.excludeResources</c>: resources of a group never synced, whatever syncResources says ("*" = the whole group).</summary>
public sealed record ExcludeResourceSpec(string Group, IReadOnlyList<string> Resources)
{
    public bool Matches(string group, string resource) =>
        string.Equals(Group, group, StringComparison.Ordinal)
        && (Resources.Count == 0 || Resources.Contains("*", StringComparer.Ordinal) || Resources.Contains(resource, StringComparer.Ordinal));
}
