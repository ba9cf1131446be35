namespace Clusterpedia.ClusterSynchro.Sharding;

/// <summary>
/// Several synchro replicas sharing the PediaClusters of one database, bound from the "Synchro:Sharding"
/// configuration section (docs/scale-out.md). Off: this process syncs every PediaCluster, as one synchro always did.
/// </summary>
public sealed class SynchroShardingOptions
{
    public const string Section = "Sharding";

    /// <summary>Take clusters through per-cluster leases in the database, with failover and fenced writes.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Clusterpedia's shardingName: with a name, this replica takes only PediaClusters whose <c>spec.shardingName</c>
    /// equals it; without one, only PediaClusters without a shardingName.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>This replica's holder name in the leases; unset: host name, process id and start time.</summary>
    public string? Identity { get; set; }

    /// <summary>
    /// How long a lease lasts without renewal. Leases are renewed every third of it; a replica that cannot renew stops
    /// its synchros at four fifths of it; a dead replica's clusters are taken after at most four thirds of it (hosted
    /// mode: five thirds).
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// On a graceful stop, release the leases held, so other replicas take the clusters at once instead of after
    /// the leases expire.
    /// </summary>
    public bool ReleaseOnStop { get; set; } = true;
}
