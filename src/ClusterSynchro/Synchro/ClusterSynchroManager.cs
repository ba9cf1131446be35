using System.Text.Json.Nodes;
using System.Threading.Channels;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Encryption;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Sharding;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Runs one ClusterSynchro per PediaCluster. Reconciles whenever a PediaCluster is written (and on a slow timer):
/// starts new clusters, restarts those whose spec changed, stops deleted ones and removes their data. Writes of other
/// processes on the same database (an API-only server) are noticed through the store's change feed. With sharding
/// (<see cref="SynchroShardingOptions"/>), only the clusters whose lease this replica holds run here, each writing
/// under its lease generation.
/// </summary>
public sealed partial class ClusterSynchroManager(
    IApiObjectStore objects,
    IResourceStorage storage,
    SyncedResourceCatalog catalog,
    SynchroMetrics metrics,
    IOptions<SynchroOptions> options,
    TimeProvider time,
    ILogger<ClusterSynchroManager> logger,
    IClusterSecretSource? secrets = null,
    CredentialProtector? protector = null,
    IWorkloadPlugins? workloadPlugins = null,
    IOptions<SynchroShardingOptions>? sharding = null,
    ISynchroLeaseStore? leases = null,
    HostClusterObjectStore? host = null,
    IOptions<HostClusterOptions>? hostOptions = null) : BackgroundService, IClusterSyncState
{
    private readonly WorkloadResolver _workloads = new(workloadPlugins ?? new NoWorkloadPlugins());
    private readonly ShardLeaseKeeper? _keeper = CreateKeeper(sharding?.Value, LeasesOf(leases, host, hostOptions?.Value, time), metrics, time, logger);

    private readonly Dictionary<string, ClusterSynchro> _running = new(StringComparer.Ordinal);

    // Taken out of _running and being disposed (guarded by the _running lock).
    private readonly HashSet<string> _stopping = new(StringComparer.Ordinal);
    private readonly HashSet<(string Name, long Revision, string Step)> _failuresLogged = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile bool _reconciledOnce;

    /// <inheritdoc/>
    public bool InitialSyncDone
    {
        get
        {
            if (!_reconciledOnce)
            {
                return false;
            }

            lock (_running)
            {
                return _running.Values.All(s => s.IsReady || s.Settled);
            }
        }
    }

    /// <summary>Names of clusters whose synchro reports the cluster unhealthy or not ready.</summary>
    public IReadOnlyList<string> NotReadyClusters()
    {
        lock (_running)
        {
            return [.. _running.Where(kv => !kv.Value.IsReady).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        objects.Changed += OnChanged;
        using var polling = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

        // Not linked to the stop: the leases are released only after the synchros stopped (below).
        using var keeping = new CancellationTokenSource();
        var keeper = StartKeeper(keeping.Token);
        var poll = objects is IApiObjectChangeFeed feed
            ? new StoreChangePoller(feed, [PediaClusterResource.StorageKey, PediaClusterResource.SyncResourcesStorageKey], options.Value.StorePollInterval, time, logger)
                .RunAsync(OnChanged, polling.Token)
            : Task.CompletedTask;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(stoppingToken).ConfigureAwait(false);
                    _reconciledOnce = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReconcileFailed(logger, e);
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(options.Value.ResyncInterval);
                try
                {
                    await _signal.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            objects.Changed -= OnChanged;
            await polling.CancelAsync().ConfigureAwait(false);
            try
            {
                await poll.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            List<ClusterSynchro> all;
            lock (_running)
            {
                all = [.. _running.Values];
                _running.Clear();
            }

            foreach (var s in all)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }

            await keeping.CancelAsync().ConfigureAwait(false);
            await keeper.ConfigureAwait(false);
        }
    }

    private void OnChanged(string resource)
    {
        if (resource is PediaClusterResource.StorageKey or PediaClusterResource.SyncResourcesStorageKey)
        {
            _signal.Writer.TryWrite(true);
        }
    }

    // Each PediaCluster is reconciled on its own: one that cannot be read, resolved, stopped, finalized or started is
    // logged (once per revision) and left for the next pass, and never stops the reconcile of the others.
    private async Task ReconcileAsync(CancellationToken ct)
    {
        // A lost lease stops its synchro first: that must not wait for (or fail with) the read of the PediaClusters.
        await StopUnownedAsync(ct).ConfigureAwait(false);
        var stored = await objects.ListAsync(PediaClusterResource.StorageKey, ct).ConfigureAwait(false);
        var specs = new Dictionary<string, PediaClusterSpec>(StringComparer.Ordinal);
        var deleting = new List<string>();
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in stored)
        {
            try
            {
                if (JsonNode.Parse(o.Object.Span) is not JsonObject obj)
                {
                    throw new InvalidDataException("the stored object is not a JSON object");
                }

                if (JsonFields.Object(obj, "metadata")?["deletionTimestamp"] is not null)
                {
                    deleting.Add(o.Name);
                    continue;
                }

                // The store's name is the one that counts (metadata.name may be missing or of the wrong type).
                var undecryptable = protector?.Unprotect(obj, o.Name);
                var spec = await ResolveRefsAsync(PediaClusterSpec.FromObject(obj) with { Name = o.Name }, ct).ConfigureAwait(false);
                if (undecryptable is not null)
                {
                    spec = spec with { AuthenticationError = undecryptable };
                }

                specs[o.Name] = await AuthenticationFromResolver.ResolveAsync(spec, secrets, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Not "gone": a running synchro of it keeps running and its rows stay.
                unreadable.Add(o.Name);
                Failed(o.Name, o.Revision, "reading", e);
            }
        }

        List<(string Name, ClusterSynchro Synchro, bool Deleted)> toStop = [];
        List<(ClusterSynchro Synchro, PediaClusterSpec Spec)> toUpdate = [];
        OfferCandidates(specs, unreadable);
        lock (_running)
        {
            foreach (var (name, synchro) in _running)
            {
                if (!specs.TryGetValue(name, out var spec) && !unreadable.Contains(name))
                {
                    toStop.Add((name, synchro, true));
                }
                else if (!Owns(name, synchro.Fence))
                {
                    // The lease was lost or released (its new holder relists): stop, keep the rows.
                    toStop.Add((name, synchro, false));
                }
                else if (spec is null)
                {
                    continue;
                }
                else if (spec.ConnectionFingerprint != synchro.Spec.ConnectionFingerprint)
                {
                    // Credentials or server changed: reconnect from scratch (rows stay; unchanged ones are not rewritten).
                    toStop.Add((name, synchro, false));
                }
                else if (spec.ResourcesFingerprint != synchro.Spec.ResourcesFingerprint)
                {
                    toUpdate.Add((synchro, spec));
                }
            }

            foreach (var (name, _, _) in toStop)
            {
                _running.Remove(name);
                _stopping.Add(name);
            }
        }

        foreach (var (synchro, spec) in toUpdate)
        {
            synchro.UpdateSpec(spec);
            LogClusterUpdated(logger, spec.Name);
        }

        foreach (var (name, synchro, deleted) in toStop)
        {
            try
            {
                try
                {
                    await synchro.DisposeAsync().ConfigureAwait(false);
                }
                finally
                {
                    lock (_running)
                    {
                        _stopping.Remove(name);
                    }
                }

                if (deleted)
                {
                    catalog.Remove(name);
                    await storage.DeleteClusterAsync(name, ct).ConfigureAwait(false);
                    LogClusterRemoved(logger, name);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failed(name, 0, "stopping", e);
            }
        }

        foreach (var name in deleting)
        {
            try
            {
                // Stopped above if it was running; remove its data (again, harmlessly, if already done) and finalize.
                catalog.Remove(name);
                await storage.DeleteClusterAsync(name, ct).ConfigureAwait(false);
                await FinalizeAsync(name, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failed(name, 0, "finalizing", e);
            }
        }

        foreach (var (name, spec) in specs)
        {
            lock (_running)
            {
                if (_running.ContainsKey(name))
                {
                    continue;
                }
            }

            if (!TryFence(name, out var fence))
            {
                continue;
            }

            try
            {
                var synchro = new ClusterSynchro(spec, storage, objects, catalog, metrics, options.Value, time, logger, _workloads, fence, OnFenced(fence));
                lock (_running)
                {
                    _running[name] = synchro;
                }

                synchro.Start();
                LogClusterStarted(logger, name);
            }
            catch (Exception e)
            {
                Failed(name, 0, "starting", e);
            }
        }

        lock (_failuresLogged)
        {
            // Forget what no longer fails, so a new failure of the same revision is logged again.
            _failuresLogged.RemoveWhere(k => !unreadable.Contains(k.Name) && !deleting.Contains(k.Name));
        }
    }

    /// <summary>Logs a PediaCluster's reconcile failure once per (name, revision, step).</summary>
    private void Failed(string name, long revision, string step, Exception e)
    {
        bool first;
        lock (_failuresLogged)
        {
            first = _failuresLogged.Count < 10_000 && _failuresLogged.Add((name, revision, step));
        }

        if (first)
        {
            LogClusterReconcileFailed(logger, name, step, e);
        }
    }

    /// <summary>Removes our finalizer from a deleted PediaCluster, and the object itself when no finalizer is left.</summary>
    private async Task FinalizeAsync(string name, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await objects.GetAsync(PediaClusterResource.StorageKey, name, ct).ConfigureAwait(false);
            if (current is null || JsonNode.Parse(current.Object.Span) is not JsonObject obj || obj["metadata"] is not JsonObject metadata)
            {
                return;
            }

            var finalizers = metadata["finalizers"] as JsonArray ?? [];
            var remaining = finalizers.Where(f => JsonFields.Text(f) != PediaClusterResource.Finalizer).Select(f => f?.DeepClone()).ToList();
            try
            {
                if (remaining.Count == 0)
                {
                    await objects.DeleteAsync(PediaClusterResource.StorageKey, name, ct).ConfigureAwait(false);
                }
                else if (remaining.Count != finalizers.Count)
                {
                    metadata["finalizers"] = new JsonArray([.. remaining]);
                    await objects.UpdateAsync(PediaClusterResource.StorageKey, name, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(obj), current.Revision, ct).ConfigureAwait(false);
                }

                LogClusterRemoved(logger, name);
                return;
            }
            catch (ApiObjectConflictException)
            {
                // Changed meanwhile: read it again.
            }
        }
    }

    /// <summary>Merges the syncResources of a referenced ClusterSyncResources object into the spec.</summary>
    private async Task<PediaClusterSpec> ResolveRefsAsync(PediaClusterSpec spec, CancellationToken ct)
    {
        if (spec.SyncResourcesRefName is null)
        {
            return spec;
        }

        var referenced = await objects.GetAsync(PediaClusterResource.SyncResourcesStorageKey, spec.SyncResourcesRefName, ct).ConfigureAwait(false);
        if (referenced is null || JsonNode.Parse(referenced.Object.Span) is not JsonObject obj)
        {
            return spec;
        }

        var extra = PediaClusterSpec.FromObject(obj).SyncResources;
        return spec with { SyncResources = [.. spec.SyncResources, .. extra] };
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Started synchro of cluster {Cluster}")]
    private static partial void LogClusterStarted(ILogger logger, string cluster);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Cluster {Cluster} was deleted: synchro stopped and its data removed")]
    private static partial void LogClusterRemoved(ILogger logger, string cluster);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Cluster {Cluster}: the resources to sync changed")]
    private static partial void LogClusterUpdated(ILogger logger, string cluster);

    [LoggerMessage(EventId = 304, Level = LogLevel.Error, Message = "PediaCluster {Cluster}: {Step} it failed; the other PediaClusters are reconciled, this one is tried again on the next pass")]
    private static partial void LogClusterReconcileFailed(ILogger logger, string cluster, string step, Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Reconciling PediaClusters failed")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
