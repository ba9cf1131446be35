namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The SQL of synchro leases and write fences (<see cref="SqlSynchroLeaseStore"/>). Every time in it is the database's
/// own clock, so the replicas' clocks never matter; this form (INSERT ... ON CONFLICT ... DO UPDATE ... WHERE) serves
/// PostgreSQL and SQLite, MySQL overrides it.
/// </summary>
internal abstract partial class SqlDialect
{
    /// <summary>The database clock as the lease tables store it.</summary>
    public abstract string LeaseClock { get; }

    /// <summary>The database clock plus a number of milliseconds (a placeholder; negative for the past).</summary>
    public abstract string LeaseClockPlus(string milliseconds);

    /// <summary>The locking clause of the fence read: it waits for a lease take in flight and holds the row until commit.</summary>
    public virtual string FenceLock => " FOR SHARE";

    /// <summary>
    /// Takes or renews @cluster's lease for @holder for @ms milliseconds: inserted at generation 1 when new; renewed
    /// (same generation) when @holder holds it; taken (generation + 1) when it expired; untouched otherwise.
    /// </summary>
    public virtual string AcquireLeaseText => $"""
        INSERT INTO synchro_leases (cluster, holder, renewed_at, expires_at, generation)
        VALUES (@cluster, @holder, {LeaseClock}, {LeaseClockPlus("@ms")}, 1)
        ON CONFLICT (cluster) DO UPDATE SET
            generation = CASE WHEN synchro_leases.holder = excluded.holder THEN synchro_leases.generation ELSE synchro_leases.generation + 1 END,
            holder = excluded.holder,
            renewed_at = excluded.renewed_at,
            expires_at = excluded.expires_at
        WHERE synchro_leases.holder = excluded.holder OR synchro_leases.expires_at < excluded.renewed_at
        """;

    /// <summary>Sets @cluster's lease to @holder at @generation for @ms milliseconds, whatever it was (hosted mode's copy).</summary>
    public virtual string SetLeaseText => $"""
        INSERT INTO synchro_leases (cluster, holder, renewed_at, expires_at, generation)
        VALUES (@cluster, @holder, {LeaseClock}, {LeaseClockPlus("@ms")}, @generation)
        ON CONFLICT (cluster) DO UPDATE SET
            holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at, generation = excluded.generation
        """;

    /// <summary>Marks replica @holder of shard @shard alive for @ms milliseconds.</summary>
    public virtual string HeartbeatText => $"""
        INSERT INTO synchro_replicas (holder, sharding_name, expires_at)
        VALUES (@holder, @shard, {LeaseClockPlus("@ms")})
        ON CONFLICT (holder) DO UPDATE SET sharding_name = excluded.sharding_name, expires_at = excluded.expires_at
        """;
}
