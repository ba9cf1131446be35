namespace Clusterpedia.Kube.Discovery;

/// <summary>An API group ("" for core) with its versions in server priority order.</summary>
public sealed record ApiGroupInfo(string Name, string PreferredVersion, IReadOnlyList<ApiGroupVersionInfo> Versions);
