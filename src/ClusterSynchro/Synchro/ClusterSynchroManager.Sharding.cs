using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.ClusterSynchro.Sharding;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>The manager's side of sharding: which clusters this replica may and does hold, and the fence of each.</summary>
public sealed partial class ClusterSynchroManager
{
    /// <summary>With sharding on, this replica's name in the leases; null when every cluster runs here.</summary>
    public string? ShardIdentity => _keeper?.Identity;

    /// <summary>The clusters whose synchro runs in this process now, in order.</summary>
    public IReadOnlyList<string> RunningClusters()
    {
        lock (_running)
        {
            return [.. _running.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>How many cluster leases this replica holds (0 without sharding).</summary>
    public int LeasesHeld => _keeper?.HeldCount ?? 0;

    private static ShardLeaseKeeper? CreateKeeper(SynchroShardingOptions? sharding, ISynchroLeaseStore? leases, SynchroMetrics metrics, TimeProvider time, ILogger logger)
    {
        if (sharding is not { Enabled: true })
        {
            return null;
        }

        return new ShardLeaseKeeper(
            leases ?? throw new InvalidOperationException("Synchro:Sharding:Enabled needs the storage's lease store (AddStorage)"),
            sharding, metrics, time, logger);
    }

    /// <summary>Hosted mode: Lease objects in the host cluster, the fence copied into the database; standalone: the database's leases.</summary>
    private static ISynchroLeaseStore? LeasesOf(ISynchroLeaseStore? database, HostClusterObjectStore? host, HostClusterOptions? hostOptions, TimeProvider time) =>
        database is not null && host is not null && hostOptions is { Enabled: true }
            ? new HostLeaseStore(host.HostClientAsync, database, hostOptions.SecretNamespace, time)
            : database;

    private Task StartKeeper(CancellationToken ct)
    {
        if (_keeper is null)
        {
            return Task.CompletedTask;
        }

        _keeper.Changed += () => _signal.Writer.TryWrite(true);
        _keeper.WaitStoppedAsync = WaitStoppedAsync;
        return Task.Run(() => _keeper.RunAsync(ct), CancellationToken.None);
    }

    /// <summary>Waits (a few seconds at most) until the cluster's synchro is no longer running here.</summary>
    private async Task WaitStoppedAsync(string cluster, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            lock (_running)
            {
                if (!_running.ContainsKey(cluster) && !_stopping.Contains(cluster))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops (keeping their rows) the synchros whose lease this replica no longer holds or trusts.</summary>
    private async Task StopUnownedAsync(CancellationToken ct)
    {
        if (_keeper is null)
        {
            return;
        }

        List<(string Name, ClusterSynchro Synchro)> lost = [];
        lock (_running)
        {
            foreach (var (name, synchro) in _running)
            {
                if (!Owns(name, synchro.Fence))
                {
                    lost.Add((name, synchro));
                }
            }

            foreach (var (name, _) in lost)
            {
                _running.Remove(name);
                _stopping.Add(name);
            }
        }

        foreach (var (name, synchro) in lost)
        {
            try
            {
                await synchro.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failed(name, 0, "stopping", e);
            }
            finally
            {
                lock (_running)
                {
                    _stopping.Remove(name);
                }
            }
        }
    }

    /// <summary>Tells the keeper which clusters this replica's shard takes: readable ones, and unreadable ones it runs.</summary>
    private void OfferCandidates(Dictionary<string, PediaClusterSpec> specs, HashSet<string> unreadable)
    {
        if (_keeper is null)
        {
            return;
        }

        var candidates = specs.Values.Where(s => _keeper.InShard(s.ShardingName)).Select(s => s.Name).ToList();
        lock (_running)
        {
            candidates.AddRange(unreadable.Where(_running.ContainsKey));
        }

        _keeper.SetCandidates(candidates);
    }

    /// <summary>True while a synchro writing under <paramref name="fence"/> may keep running here.</summary>
    private bool Owns(string cluster, WriteFence? fence) =>
        _keeper is null || (_keeper.GenerationOf(cluster) is { } generation && fence?.Generation == generation);

    /// <summary>
    /// May the cluster's synchro start here, and under which fence: unsharded, always (no fence); sharded, only while
    /// this replica holds the cluster's lease (its generation).
    /// </summary>
    private bool TryFence(string cluster, out WriteFence? fence)
    {
        fence = null;
        if (_keeper is null)
        {
            return true;
        }

        if (_keeper.GenerationOf(cluster) is not { } generation)
        {
            return false;
        }

        fence = new WriteFence(cluster, generation);
        return true;
    }

    private Action<FencedWriteException>? OnFenced(WriteFence? fence) =>
        fence is null || _keeper is null ? null : _ => _keeper.Fenced(fence.Cluster, fence.Generation);
}
