namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// What a YAML conversion may build: collections nested at most <paramref name="MaxDepth"/> deep, and at most
/// <paramref name="MaxAliasNodes"/> nodes added by expanding aliases. The names are what an error message cites.
/// </summary>
public sealed record YamlLimits(
    int MaxDepth,
    int MaxAliasNodes,
    string DepthLimitName = "Limits:MaxBodyDepth",
    string AliasLimitName = "Limits:MaxYamlAliasNodes")
{
    public static YamlLimits From(RequestLimits limits) => new(limits.MaxBodyDepth, limits.MaxYamlAliasNodes);
}
