namespace Clusterpedia.Storage;

/// <summary>
/// What the read replicas of this process are doing, for metrics: how many are configured and in use, and how many
/// reads each side served. One per store; all zero without <see cref="StorageOptions.ReadConnectionStrings"/>.
/// </summary>
public sealed class ReadReplicaStatus
{
    private long _standbyReads;
    private long _primaryFallbacks;
    private int _configured;
    private Func<int> _skippedNow = () => 0;

    /// <summary>Standbys configured (<see cref="StorageOptions.ReadConnectionStrings"/>).</summary>
    public int Configured => Volatile.Read(ref _configured);

    /// <summary>Standbys currently used for reads (configured minus those skipped as down or lagging).</summary>
    public int InUse => Math.Max(0, Configured - Volatile.Read(ref _skippedNow)());

    /// <summary>Reads a standby served.</summary>
    public long StandbyReads => Interlocked.Read(ref _standbyReads);

    /// <summary>Reads the primary served although standbys are configured: every standby was down, lagging or skipped.</summary>
    public long PrimaryFallbacks => Interlocked.Read(ref _primaryFallbacks);

    internal void SetConfigured(int count) => Volatile.Write(ref _configured, count);

    internal void ReadSkippedFrom(Func<int> skippedNow) => Volatile.Write(ref _skippedNow, skippedNow);

    internal void StandbyRead() => Interlocked.Increment(ref _standbyReads);

    internal void PrimaryFallback() => Interlocked.Increment(ref _primaryFallbacks);
}
