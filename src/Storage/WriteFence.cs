namespace Clusterpedia.Storage;

/// <summary>
/// What a sharded synchro's write batch carries: the cluster and the generation of the lease its synchro holds. The
/// store writes the batch only while the cluster's stored lease generation is still this one (checked inside the
/// write transaction), so a replica that lost the lease without noticing cannot write over the new holder.
/// </summary>
public sealed record WriteFence(string Cluster, long Generation);
