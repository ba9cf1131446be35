namespace Clusterpedia.Storage;

/// <summary>A new resolution of a stored object's workload (after the workload plugins changed), written without the object.</summary>
/// <param name="Key">The stored row.</param>
/// <param name="Uid">The object's uid (a middle owner hands its workload down to the rows whose owner it is).</param>
/// <param name="OwnerUid">The controller owner's uid, which a row that follows its owner takes the workload of.</param>
/// <param name="ResourceVersion">The resourceVersion the answer was computed from: a row written since is left alone.</param>
/// <param name="Workload">The columns to store.</param>
public sealed record WorkloadUpdate(ResourceKey Key, string Uid, string? OwnerUid, string ResourceVersion, WorkloadColumns Workload);
