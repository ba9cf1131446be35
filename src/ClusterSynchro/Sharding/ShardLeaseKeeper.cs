using System.Diagnostics.CodeAnalysis;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Sharding;

/// <summary>
/// Holds this replica's cluster leases (docs/scale-out.md): every third of the lease duration it marks itself alive,
/// renews what it holds, takes unheld or expired leases of its candidates up to its fair share (candidates / live
/// replicas of its shard, rounded up) and, above that share, releases one lease per tick for balance. A lease it could
/// not renew is dropped at four fifths of the duration after its last successful renewal, before any other replica
/// may take it. <see cref="Changed"/> tells the manager to start or stop synchros.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never created (only WaitAsync with a token), so it holds nothing to dispose; the keeper lives as long as its manager.")]
internal sealed partial class ShardLeaseKeeper
{
    private readonly ISynchroLeaseStore _store;
    private readonly SynchroShardingOptions _options;
    private readonly SynchroMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HeldLease> _held = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _poke = new(0, 1);
    private HashSet<string> _candidates = new(StringComparer.Ordinal);
    private ITimer? _watchdog;

    public ShardLeaseKeeper(ISynchroLeaseStore store, SynchroShardingOptions options, SynchroMetrics metrics, TimeProvider time, ILogger logger)
    {
        _store = store;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Identity = string.IsNullOrWhiteSpace(options.Identity) ? DefaultIdentity(time) : options.Identity;
        ShardingName = options.Name ?? "";
    }

    /// <summary>Raised (on the keeper's loop) when a lease was won or lost.</summary>
    public event Action? Changed;

    /// <summary>
    /// Waits until the cluster's synchro stopped in this process (the manager's); a lease given up on purpose is
    /// released in the store only then, so the next holder never overlaps with us.
    /// </summary>
    public Func<string, CancellationToken, Task>? WaitStoppedAsync { get; set; }

    /// <summary>This replica's name in the leases.</summary>
    public string Identity { get; }

    /// <summary>The shard this replica serves; "" for clusters without a shardingName.</summary>
    public string ShardingName { get; }

    private TimeSpan Duration => _options.LeaseDuration;

    /// <summary>How long after a successful renewal (counted from before it was sent) the lease is still trusted.</summary>
    private TimeSpan Trusted => Duration * 4 / 5;

    /// <summary>True when this replica's shard takes the cluster.</summary>
    public bool InShard(string? shardingName) => string.Equals(shardingName ?? "", ShardingName, StringComparison.Ordinal);

    /// <summary>The clusters this replica may hold (in its shard, not being deleted); a change is acted on at once.</summary>
    public void SetCandidates(IEnumerable<string> clusters)
    {
        var next = new HashSet<string>(clusters, StringComparer.Ordinal);
        lock (_gate)
        {
            if (next.SetEquals(_candidates))
            {
                return;
            }

            _candidates = next;
        }

        Poke();
    }

    /// <summary>The generation of the cluster's lease while this replica holds it and may trust it; null otherwise.</summary>
    public long? GenerationOf(string cluster)
    {
        lock (_gate)
        {
            return _held.TryGetValue(cluster, out var lease) && lease.TrustedUntil > _time.GetTimestamp() ? lease.Generation : null;
        }
    }

    /// <summary>How many leases this replica holds.</summary>
    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>A write of the cluster was refused by the fence: another replica holds it; forget our lease at once.</summary>
    public void Fenced(string cluster, long generation)
    {
        bool dropped;
        lock (_gate)
        {
            dropped = _held.TryGetValue(cluster, out var lease) && lease.Generation == generation && _held.Remove(cluster);
        }

        if (dropped)
        {
            Lost(cluster, generation, "a write was refused: the stored lease moved to a newer generation");
            Changed?.Invoke();
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        // A renewal can hang in the store (a locked lease row, a lost connection) for as long as its command timeout:
        // the watchdog drops an untrusted lease on time whatever the tick is waiting for.
        using var watchdog = _time.CreateTimer(_ => DropUntrusted(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            _watchdog = watchdog;
        }

        try
        {
            while (!ct.IsCancellationRequested)
            {
                var tickStarted = _time.GetTimestamp();
                try
                {
                    await TickAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogTickFailed(_logger, e);
                }

                DropUntrusted();
                await WaitAsync(tickStarted, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                _watchdog = null;
            }

            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sets the watchdog to the moment the first held lease stops being trusted (caller holds _gate).</summary>
    private void ArmWatchdog()
    {
        if (_watchdog is not { } watchdog)
        {
            return;
        }

        if (_held.Count == 0)
        {
            watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var first = _held.Values.Min(l => l.TrustedUntil);
        var left = _time.GetElapsedTime(_time.GetTimestamp(), first);
        watchdog.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Poke()
    {
        try
        {
            _poke.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Waits for the next tick, a poke, or the moment a held lease stops being trusted, whichever is first.</summary>
    private async Task WaitAsync(long tickStarted, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetTimestamp();
            var untilTick = Duration / 3 - _time.GetElapsedTime(tickStarted, now);
            var wait = untilTick;
            lock (_gate)
            {
                foreach (var lease in _held.Values)
                {
                    var left = _time.GetElapsedTime(now, lease.TrustedUntil);
                    wait = left < wait ? left : wait;
                }
            }

            if (wait <= TimeSpan.Zero)
            {
                if (untilTick <= TimeSpan.Zero)
                {
                    return;
                }

                DropUntrusted();
                continue;
            }

            using var timeout = new CancellationTokenSource(wait, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                await _poke.WaitAsync(either.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                if (untilTick <= wait)
                {
                    return;
                }
            }
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var live = await _store.HeartbeatAsync(Identity, ShardingName, Duration, ct).ConfigureAwait(false);
        var stored = (await _store.ListAsync(ct).ConfigureAwait(false)).ToDictionary(l => l.Cluster, StringComparer.Ordinal);
        HashSet<string> candidates;
        List<string> held;
        lock (_gate)
        {
            candidates = _candidates;
            held = [.. _held.Keys.Order(StringComparer.Ordinal)];
        }

        var changed = false;
        foreach (var cluster in held)
        {
            if (!candidates.Contains(cluster))
            {
                // Deleted, or moved to another shard.
                changed |= await ReleaseAsync(cluster, "the cluster is no longer this replica's to sync", ct).ConfigureAwait(false);
            }
            else
            {
                changed |= await RenewAsync(cluster, ct).ConfigureAwait(false);
            }
        }

        // Live: the replicas that beat, plus holders of unexpired leases of our candidates (one that beats no more but
        // still holds leases is still syncing them).
        var replicas = new HashSet<string>(live, StringComparer.Ordinal) { Identity };
        replicas.UnionWith(stored.Values.Where(l => !l.Expired && candidates.Contains(l.Cluster)).Select(l => l.Holder));
        var share = candidates.Count == 0 ? 0 : (candidates.Count + replicas.Count - 1) / replicas.Count;
        int count;
        lock (_gate)
        {
            count = _held.Count;
        }

        if (count > share)
        {
            // One per tick: the others take it, and the next tick sees the new balance.
            string last;
            lock (_gate)
            {
                last = _held.Keys.Order(StringComparer.Ordinal).Last();
            }

            changed |= await ReleaseAsync(last, $"balance: {count} held, fair share {share} of {candidates.Count} clusters over {replicas.Count} replicas", ct).ConfigureAwait(false);
        }
        else
        {
            // Start at a place of our own in the order, so replicas starting together contend less.
            var free = candidates
                .Where(c => GenerationOf(c) is null && (!stored.TryGetValue(c, out var l) || l.Expired || l.Holder == Identity))
                .OrderBy(c => (uint)StringComparer.Ordinal.GetHashCode(c + "\u0000" + Identity))
                .ToList();
            foreach (var cluster in free)
            {
                if (count >= share)
                {
                    break;
                }

                var previous = stored.GetValueOrDefault(cluster);
                if (await TakeAsync(cluster, previous, ct).ConfigureAwait(false))
                {
                    count++;
                    changed = true;
                }
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    private async Task<bool> RenewAsync(string cluster, CancellationToken ct)
    {
        var sent = _time.GetTimestamp();
        var generation = await _store.TryAcquireAsync(cluster, Identity, Duration, ct).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_held.TryGetValue(cluster, out var lease))
            {
                // Dropped meanwhile (fenced or untrusted): it is taken again as a free lease, not renewed.
                return false;
            }

            if (generation == lease.Generation)
            {
                _held[cluster] = lease with { TrustedUntil = sent + TicksOf(Trusted) };
                ArmWatchdog();
                return false;
            }

            _held.Remove(cluster);
        }

        Lost(cluster, generation ?? 0, generation is null ? "another replica holds it" : $"it changed generation to {generation}");
        return true;
    }

    private async Task<bool> TakeAsync(string cluster, SynchroLease? previous, CancellationToken ct)
    {
        var sent = _time.GetTimestamp();
        if (await _store.TryAcquireAsync(cluster, Identity, Duration, ct).ConfigureAwait(false) is not { } generation)
        {
            return false;
        }

        lock (_gate)
        {
            _held[cluster] = new HeldLease(generation, sent + TicksOf(Trusted));
            ArmWatchdog();
        }

        var takeover = previous is not null && previous.Holder != Identity;
        _metrics.LeaseHeld(held: true, takeover);
        LogTaken(_logger, cluster, generation, takeover ? previous!.Holder : "", Identity);
        return true;
    }

    private async Task<bool> ReleaseAsync(string cluster, string why, CancellationToken ct)
    {
        long generation;
        lock (_gate)
        {
            if (!_held.Remove(cluster, out var lease))
            {
                return false;
            }

            generation = lease.Generation;
        }

        // Forgotten first: the synchro stops on the change; the store keeps the lease ours until it is released.
        Lost(cluster, generation, "released: " + why);
        Changed?.Invoke();
        if (WaitStoppedAsync is { } stopped)
        {
            await stopped(cluster, ct).ConfigureAwait(false);
        }

        await _store.ReleaseAsync(cluster, Identity, ct).ConfigureAwait(false);
        return true;
    }

    private void DropUntrusted()
    {
        List<(string Cluster, long Generation)> dropped = [];
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var (cluster, lease) in _held)
            {
                if (lease.TrustedUntil <= now)
                {
                    dropped.Add((cluster, lease.Generation));
                }
            }

            foreach (var (cluster, _) in dropped)
            {
                _held.Remove(cluster);
            }

            ArmWatchdog();
        }

        foreach (var (cluster, generation) in dropped)
        {
            Lost(cluster, generation, "it could not be renewed in time; stopped before it expires");
        }

        if (dropped.Count > 0)
        {
            Changed?.Invoke();
        }
    }

    private void Lost(string cluster, long generation, string why)
    {
        _metrics.LeaseHeld(held: false);
        LogLost(_logger, cluster, generation, why);
    }

    /// <summary>Graceful stop: releases what is held (when configured) and leaves the shard, so others take over at once.</summary>
    private async Task StopAsync()
    {
        List<string> held;
        lock (_gate)
        {
            held = [.. _held.Keys];
            foreach (var _ in held)
            {
                _metrics.LeaseHeld(held: false);
            }

            _held.Clear();
        }

        if (!_options.ReleaseOnStop)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        try
        {
            foreach (var cluster in held)
            {
                await _store.ReleaseAsync(cluster, Identity, timeout.Token).ConfigureAwait(false);
            }

            await _store.LeaveAsync(Identity, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReleaseFailed(_logger, e);
        }
    }

    private long TicksOf(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static string DefaultIdentity(TimeProvider time)
    {
        return $"{Environment.MachineName}_{Environment.ProcessId}_{time.GetUtcNow().ToUnixTimeMilliseconds()}";
    }

    private sealed record HeldLease(long Generation, long TrustedUntil);

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Took the lease of cluster {Cluster} (generation {Generation}, previous holder '{PreviousHolder}') as {Identity}")]
    private static partial void LogTaken(ILogger logger, string cluster, long generation, string previousHolder, string identity);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Lost the lease of cluster {Cluster} (generation {Generation}): {Why}")]
    private static partial void LogLost(ILogger logger, string cluster, long generation, string why);

    [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Synchro leases: renewing or taking leases failed; held leases are dropped before they expire unless a renewal succeeds")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 323, Level = LogLevel.Warning, Message = "Synchro leases: releasing the leases at stop failed; other replicas take them when they expire")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
