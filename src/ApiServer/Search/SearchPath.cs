namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// A path under <c>/apis/clusterpedia.io/v1beta1/resources</c> as the route table (Routes.cs) matched it: an optional
/// <c>clusters/{cluster}</c> scope followed by a native Kubernetes path (discovery, collection or object).
/// </summary>
public sealed record SearchPath(
    string? Cluster,
    SearchTarget Target,
    string Group = "",
    string Version = "",
    string? Namespace = null,
    string Resource = "",
    string? Name = null);
