namespace Clusterpedia.Kube.Discovery;

/// <summary>One version of a group with its resources.</summary>
public sealed record ApiGroupVersionInfo(string Group, string Version, IReadOnlyList<ApiResourceInfo> Resources)
{
    /// <summary><c>v1</c> or <c>apps/v1</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
