namespace Clusterpedia.Kube.Discovery;

/// <summary>What a server serves: groups, versions and resources, however it was discovered.</summary>
public sealed class DiscoveryDocument
{
    public required IReadOnlyList<ApiGroupInfo> Groups { get; init; }

    /// <summary>True when the server answered aggregated discovery (apidiscovery.k8s.io v2).</summary>
    public bool Aggregated { get; init; }

    /// <summary>Group versions whose discovery failed (e.g. an unavailable aggregated API), with the error.</summary>
    public IReadOnlyDictionary<string, string> FailedGroupVersions { get; init; } = new Dictionary<string, string>();

    public IEnumerable<ApiResourceInfo> AllResources =>
        Groups.SelectMany(g => g.Versions).SelectMany(v => v.Resources);

    public ApiGroupInfo? FindGroup(string name) =>
        Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));

    public ApiResourceInfo? FindResource(GroupVersionResource gvr) =>
        FindGroup(gvr.Group)?.Versions
            .FirstOrDefault(v => string.Equals(v.Version, gvr.Version, StringComparison.Ordinal))?.Resources
            .FirstOrDefault(r => string.Equals(r.Name, gvr.Resource, StringComparison.Ordinal));
}
