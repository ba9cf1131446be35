using Clusterpedia.ClusterSynchro.Resources;

namespace Clusterpedia.ClusterSynchro.Discovery;

/// <summary>A resource the spec names that cannot be synced (e.g. no list and watch), shown in status with the reason.</summary>
internal sealed record SkippedResource(SyncedResource Resource, string Reason, string Message);
