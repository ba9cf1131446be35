using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;
using Polly;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Syncs one PediaCluster: connects (backing off while it cannot), then alternates between syncing and pausing as
/// the member's health goes. The work is done by its parts: <see cref="ResourceReconciler"/> (which resources run),
/// <see cref="HealthMonitor"/> (probes and resolve triggers), <see cref="CrdWatcher"/> (the member's CRDs) and
/// <see cref="ClusterStatusWriter"/> (conditions and the PediaCluster's status).
/// </summary>
internal sealed partial class ClusterSynchro : IAsyncDisposable
{
    private readonly string _name;
    private readonly IResourceStorage _storage;
    private readonly SynchroMetrics _metrics;
    private readonly SynchroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly ClusterStatusWriter _status;
    private readonly HealthMonitor _monitor;
    private readonly ResourceReconciler _reconciler;
    private readonly CrdWatcher _crdWatcher;
    private readonly ResiliencePipeline _connectBackoff;
    private readonly WorkloadResolver? _workloads;

    private readonly Action<FencedWriteException>? _onFenced;
    private PediaClusterSpec _spec;
    private bool _failedOnce;
    private Task? _run;

    public ClusterSynchro(PediaClusterSpec spec, IResourceStorage storage, IApiObjectStore objects, SyncedResourceCatalog catalog, SynchroMetrics metrics, SynchroOptions options, TimeProvider time, ILogger logger, WorkloadResolver? workloads = null, WriteFence? fence = null, Action<FencedWriteException>? onFenced = null)
    {
        Fence = fence;
        _onFenced = onFenced;
        _workloads = workloads;
        _spec = spec;
        _name = spec.Name;
        _storage = storage;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
        _status = new ClusterStatusWriter(_name, () => Spec, objects, options, time, logger);
        _monitor = new HealthMonitor(_name, options, time, logger, _status);
        _reconciler = new ResourceReconciler(_name, storage, catalog, options, time, logger, _status, _monitor.RequestProbe);
        _crdWatcher = new CrdWatcher(_name, () => _reconciler.CrdKeys, _monitor, logger);
        _connectBackoff = RetryBackoff.Create(TimeSpan.FromMilliseconds(500), options.MaxBackoff, time);
    }

    public PediaClusterSpec Spec => Volatile.Read(ref _spec);

    /// <summary>The lease generation this synchro writes under (sharding); null: unsharded.</summary>
    public WriteFence? Fence { get; }

    /// <summary>True while the Ready condition is True: every resource finished its first full list and the cluster is healthy.</summary>
    public bool IsReady => _status.IsReady;

    /// <summary>True once the cluster was Ready at least once, or is known to be invalid or unreachable: waiting longer tells nothing.</summary>
    public bool Settled => _status.EverReady || Volatile.Read(ref _failedOnce);

    public void Start() => _run = Task.Run(() => RunAsync(_cts.Token));

    /// <summary>A spec whose connection is unchanged: re-resolve the resources and restart only those it affects.</summary>
    public void UpdateSpec(PediaClusterSpec spec)
    {
        Volatile.Write(ref _spec, spec);
        _monitor.RequestResolve();
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            try
            {
                await _run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _cts.Dispose();
        _status.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var statusLoop = Task.Run(() => _status.RunAsync(ct), ct);
        try
        {
            KubeClientOptions connection;
            try
            {
                connection = await ClusterConnection.CreateAsync(Spec, new OutboundTargetPolicy(_options), ClusterConnection.ExecPolicy(_options), ct, [.. _options.CredentialFiles]).ConfigureAwait(false);
                _status.SetCondition("Validated", true, "Validated", "");
            }
            catch (InvalidSpecException e)
            {
                Volatile.Write(ref _failedOnce, true);
                _status.SetCondition("Validated", false, "InvalidSpec", e.Message);
                _status.SetCondition("SynchroRunning", false, "Stop", "the spec is invalid");
                _status.UpdateReady();
                await statusLoop.ConfigureAwait(false);
                return;
            }

            using var client = new KubeClient(connection, _time);
            using var probe = new KubeClient(_monitor.ProbeOptions(connection), _time);
            var writer = new StorageWriter(_storage, _name, _metrics, _time) { Workloads = _workloads, Fence = Fence, OnFenced = _onFenced };
            await SyncWhileRunningAsync(client, probe, writer, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await _reconciler.StopAsync().ConfigureAwait(false);
            try
            {
                await statusLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task SyncWhileRunningAsync(KubeClient client, KubeClient probe, StorageWriter writer, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _connectBackoff.ExecuteAsync(
                static (s, ct) => new ValueTask(s.self.ConnectAsync(s.client, s.writer, ct)), (self: this, client, writer), ct).ConfigureAwait(false);
            var healthy = await _monitor.MonitorAsync(
                probe,
                ct => _reconciler.ReconcileAsync(Spec, client, writer, ct),
                () => ResourceResolver.NeedsCustomResourceDefinitions(Spec),
                ct => _crdWatcher.RunAsync(client, _options, _time, ct),
                ct).ConfigureAwait(false);
            if (!healthy)
            {
                _status.SetCondition("SynchroRunning", false, "Stop", "paused while the cluster is unhealthy");
                await _reconciler.StopAllAsync("the cluster failed its health checks").ConfigureAwait(false);
                _status.UpdateReady();
            }
        }
    }

    /// <summary>Reads the member's version and resolves its resources; a failure is reported, then thrown to the backoff.</summary>
    private async Task ConnectAsync(KubeClient client, StorageWriter writer, CancellationToken ct)
    {
        try
        {
            var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
            _status.Version = FailureText.Version(version.GitVersion);
            await _reconciler.ReconcileAsync(Spec, client, writer, ct).ConfigureAwait(false);
            _status.SetCondition("Validated", true, "Validated", "");
            _status.SetCondition("ClusterHealthy", true, "Healthy", "");
            _status.UpdateReady();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            Volatile.Write(ref _failedOnce, true);
            LogConnectFailed(_logger, _name, e);
            var error = FailureText.Describe(e);
            if (e is KubeApiException { StatusCode: 401 or 403 } denied)
            {
                _status.SetCondition("Validated", false, denied.StatusCode == 401 ? "Unauthorized" : "Forbidden",
                    $"the member cluster rejected the credentials: {error}");
            }
            else
            {
                _status.SetCondition("ClusterHealthy", false, "Unreachable", error);
            }

            _status.SetCondition("SynchroRunning", false, "Stop", "the cluster cannot be synced: " + error);
            await _reconciler.StopAllAsync("the cluster cannot be reached").ConfigureAwait(false);
            _status.UpdateReady();
            throw;
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Cluster {Cluster}: cannot connect")]
    private static partial void LogConnectFailed(ILogger logger, string cluster, Exception exception);
}
