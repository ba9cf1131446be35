namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>One entry of <c>spec.syncResources</c>: a group, optional versions, and resources ("*" = all).</summary>
public sealed record SyncResourceSpec(string Group, IReadOnlyList<string> Versions, IReadOnlyList<string> Resources);
