namespace Clusterpedia.KubeSim.Discovery;

/// <summary>The resources of one group-version, in discovery order.</summary>
internal sealed record ApiGroupVersion(string Group, string Version, IReadOnlyList<ApiResource> Resources)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
