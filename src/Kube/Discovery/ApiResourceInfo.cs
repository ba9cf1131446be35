namespace Clusterpedia.Kube.Discovery;

/// <summary>A top-level resource of one group version, as discovery describes it.</summary>
public sealed record ApiResourceInfo(
    string Group,
    string Version,
    string Name,
    string SingularName,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ApiSubresourceInfo> Subresources)
{
    public GroupVersionResource GroupVersionResource => new(Group, Version, Name);

    public bool Supports(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);

    /// <summary>Whether the resource can be listed and watched, i.e. synced.</summary>
    public bool IsListWatchable => Supports("list") && Supports("watch");
}
