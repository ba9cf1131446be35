using Clusterpedia.ClusterSynchro.Resources;

namespace Clusterpedia.ClusterSynchro.Discovery;

/// <summary>The outcome of resolving a spec against discovery: what to sync, what to show as skipped, and problems to report.</summary>
internal sealed record ResolvedResources(IReadOnlyList<SyncedResource> Resources, IReadOnlyList<SkippedResource> Skipped, IReadOnlyList<string> Problems);
