namespace Clusterpedia.Storage;

/// <summary>
/// Per-cluster leases of synchro replicas sharing one database (docs/scale-out.md): who syncs which cluster, until
/// when, and the generation that fences their writes. Every time is the database's clock, so replicas' clocks never
/// matter. The generation of a cluster increases by one each time its lease changes holder.
/// </summary>
public interface ISynchroLeaseStore
{
    /// <summary>
    /// Takes or renews the cluster's lease for <paramref name="holder"/> in one conditional statement: new, expired or
    /// already ours, it becomes ours until now + <paramref name="duration"/>. Returns the generation held, or null
    /// when another holder's lease has not expired.
    /// </summary>
    Task<long?> TryAcquireAsync(string cluster, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Ends our lease at once (expired now), so another replica may take it on its next attempt; not ours: nothing.</summary>
    Task ReleaseAsync(string cluster, string holder, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the lease as given, whatever it was: hosted mode copies the lease it won in the host cluster (its
    /// generation is the Lease's leaseTransitions) here, where the write fence is checked.
    /// </summary>
    Task SetAsync(string cluster, string holder, long generation, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Every stored lease.</summary>
    Task<IReadOnlyList<SynchroLease>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks the replica alive in its shard (<paramref name="shardingName"/>, "" for none) until now +
    /// <paramref name="duration"/>, and returns the replicas alive in that shard, itself included, in order.
    /// </summary>
    Task<IReadOnlyList<string>> HeartbeatAsync(string holder, string shardingName, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Removes the replica's heartbeat (a graceful stop), so the others count one replica fewer at once.</summary>
    Task LeaveAsync(string holder, CancellationToken cancellationToken);
}
