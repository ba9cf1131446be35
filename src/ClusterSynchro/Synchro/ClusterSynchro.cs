using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Syncs one PediaCluster: connects, resolves its resources through discovery, runs one resource synchro per
/// resource, pauses them while the cluster is unhealthy, and keeps the PediaCluster's status current.
/// </summary>
internal sealed partial class ClusterSynchro : IAsyncDisposable
{
    private readonly PediaClusterSpec _spec;
    private readonly IResourceStorage _storage;
    private readonly IApiObjectStore _objects;
    private readonly SyncedResourceCatalog _catalog;
    private readonly SynchroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<string, ClusterCondition> _conditions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private List<ResourceSyncState> _states = [];
    private string? _version;
    private Task? _run;

    public ClusterSynchro(PediaClusterSpec spec, IResourceStorage storage, IApiObjectStore objects, SyncedResourceCatalog catalog, SynchroOptions options, TimeProvider time, ILogger logger)
    {
        _spec = spec;
        _storage = storage;
        _objects = objects;
        _catalog = catalog;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public PediaClusterSpec Spec => _spec;

    /// <summary>True when every resource finished its first full list.</summary>
    public bool InitialSyncDone
    {
        get
        {
            lock (_gate)
            {
                return _conditions.TryGetValue("Ready", out var ready) && ready.Status;
            }
        }
    }

    public void Start() => _run = Task.Run(() => RunAsync(_cts.Token));

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
        _dirty.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var statusLoop = Task.Run(() => WriteStatusLoopAsync(ct), ct);
        try
        {
            KubeClientOptions connection;
            try
            {
                connection = ClusterConnection.FromSpec(_spec);
                SetCondition("Validated", true, "Validated", "");
            }
            catch (InvalidOperationException e)
            {
                SetCondition("Validated", false, "InvalidSpec", e.Message);
                SetCondition("Ready", false, "Invalid", e.Message);
                await statusLoop.ConfigureAwait(false);
                return;
            }

            using var client = new KubeClient(connection, _time);
            await SyncWhileRunningAsync(client, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await statusLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task SyncWhileRunningAsync(KubeClient client, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            // Connect and resolve; retry with backoff until the cluster answers.
            ResourceResolver.Result resolved;
            try
            {
                var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
                _version = version.GitVersion;
                resolved = await new ResourceResolver(client).ResolveAsync(_spec.SyncResources, ct).ConfigureAwait(false);
                SetCondition("ClusterHealthy", true, "Healthy", "");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failures++;
                LogConnectFailed(_logger, _spec.Name, e);
                SetCondition("ClusterHealthy", false, "Unreachable", Describe(e));
                SetCondition("SynchroRunning", false, "Stop", "the cluster cannot be reached");
                SetCondition("Ready", false, "ClusterUnhealthy", Describe(e));
                await DelayAsync(failures, ct).ConfigureAwait(false);
                continue;
            }

            failures = 0;
            var states = resolved.Resources.Select(r => new ResourceSyncState(r, _time.GetUtcNow())).ToList();
            foreach (var s in states)
            {
                s.Changed += OnResourceChanged;
            }

            lock (_gate)
            {
                _states = states;
            }

            _catalog.Set(_spec.Name, resolved.Resources);
            foreach (var problem in resolved.Problems)
            {
                LogResolveProblem(_logger, _spec.Name, problem);
            }

            SetCondition("SynchroRunning", true, "Running", resolved.Problems.Count > 0 ? string.Join("; ", resolved.Problems) : "");
            OnResourceChanged();

            using var runCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var synchros = states.Select(s => Task.Run(
                () => new ResourceSynchro(_spec.Name, client, _storage, s, _options, _time, _logger).RunAsync(runCts.Token), runCts.Token)).ToList();

            // Health: after three failed probes in a row, stop the resource synchros and start over when healthy.
            var healthy = await MonitorHealthAsync(client, ct).ConfigureAwait(false);
            await runCts.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(synchros).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            if (!healthy)
            {
                foreach (var s in states)
                {
                    s.Set("Stop", "ClusterUnhealthy", "the cluster failed its health checks", _time.GetUtcNow());
                }

                SetCondition("SynchroRunning", false, "Stop", "paused while the cluster is unhealthy");
            }
        }
    }

    /// <summary>Returns false when the cluster became unhealthy, or when cancelled.</summary>
    private async Task<bool> MonitorHealthAsync(KubeClient client, CancellationToken ct)
    {
        var failed = 0;
        while (!ct.IsCancellationRequested)
        {
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(_options.HealthInterval.TotalMilliseconds / 5) + 1));
            try
            {
                await Task.Delay(_options.HealthInterval + jitter, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            try
            {
                await ProbeAsync(client, ct).ConfigureAwait(false);
                failed = 0;
                SetCondition("ClusterHealthy", true, "Healthy", "");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failed++;
                if (failed >= 3)
                {
                    SetCondition("ClusterHealthy", false, "Unhealthy", Describe(e));
                    SetCondition("Ready", false, "ClusterUnhealthy", Describe(e));
                    return false;
                }
            }
        }

        return false;
    }

    private static async Task ProbeAsync(KubeClient client, CancellationToken ct)
    {
        try
        {
            await client.GetRawAsync("/readyz", ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode is 404 or 403)
        {
            await client.GetRawAsync("/healthz", ct).ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(int failures, CancellationToken ct)
    {
        var baseMs = Math.Min(_options.MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 10)));
        await Task.Delay(TimeSpan.FromMilliseconds(baseMs / 2 + (Random.Shared.NextDouble() * baseMs / 2)), _time, ct).ConfigureAwait(false);
    }

    private static string Describe(Exception e) => e is KubeApiException k ? $"{k.StatusCode} {k.Reason}: {k.StatusMessage ?? k.Message}" : e.Message;

    private void OnResourceChanged()
    {
        List<ResourceSyncState> states;
        lock (_gate)
        {
            states = _states;
        }

        var allListed = states.All(s => s.InitialListDone);
        var errors = states.Select(s => (s, snap: s.Snapshot())).Where(x => x.snap.Status == "Error").ToList();
        if (errors.Count > 0)
        {
            SetCondition("Ready", false, "SyncError", string.Join("; ", errors.Select(x => $"{x.s.Resource.Resource.GroupResource}: {x.snap.Message}")));
        }
        else if (allListed)
        {
            SetCondition("Ready", true, "Ready", "");
        }
        else
        {
            SetCondition("Ready", false, "Syncing", "the initial lists are not complete yet");
        }

        MarkDirty();
    }

    private void SetCondition(string type, bool status, string reason, string message)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_conditions.TryGetValue(type, out var old))
            {
                if (old.Status == status && old.Reason == reason && old.Message == message)
                {
                    return;
                }

                now = old.Status == status ? old.LastTransitionTime : now;
            }

            _conditions[type] = new ClusterCondition(type, status, reason, message, now);
        }

        MarkDirty();
    }

    private void MarkDirty()
    {
        try
        {
            if (_dirty.CurrentCount == 0)
            {
                _dirty.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Writes the status whenever something changed, at most a few times a second.</summary>
    private async Task WriteStatusLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _dirty.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await WriteStatusAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStatusFailed(_logger, _spec.Name, e);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, ct).ConfigureAwait(false);
        }
    }

    private async Task WriteStatusAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await _objects.GetAsync(PediaClusterResource.StorageKey, _spec.Name, ct).ConfigureAwait(false);
            if (stored is null)
            {
                return;
            }

            var obj = JsonNode.Parse(stored.Object.Span)!.AsObject();
            obj["status"] = BuildStatus();
            try
            {
                await _objects.UpdateAsync(PediaClusterResource.StorageKey, _spec.Name, JsonSerializer.SerializeToUtf8Bytes(obj), stored.Revision, ct).ConfigureAwait(false);
                return;
            }
            catch (ApiObjectConflictException)
            {
                // Someone updated the PediaCluster meanwhile; read it again.
            }
            catch (ApiObjectNotFoundException)
            {
                return;
            }
        }
    }

    private JsonObject BuildStatus()
    {
        List<ResourceSyncState> states;
        List<ClusterCondition> conditions;
        lock (_gate)
        {
            states = _states;
            conditions = [.. _conditions.Values];
        }

        var order = new[] { "Validated", "SynchroRunning", "ClusterHealthy", "Ready" };
        var conditionArray = new JsonArray();
        foreach (var c in conditions.OrderBy(c => Array.IndexOf(order, c.Type)))
        {
            conditionArray.Add(new JsonObject
            {
                ["type"] = c.Type,
                ["status"] = c.Status ? "True" : "False",
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["lastTransitionTime"] = Timestamp(c.LastTransitionTime),
            });
        }

        var groups = new JsonArray();
        foreach (var g in states.GroupBy(s => s.Resource.Resource.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var resources = new JsonArray();
            foreach (var s in g.OrderBy(s => s.Resource.Resource.Resource, StringComparer.Ordinal))
            {
                var (status, reason, message, since) = s.Snapshot();
                var condition = new JsonObject
                {
                    ["version"] = s.Resource.Resource.Version,
                    ["storageVersion"] = s.Resource.Resource.Version,
                    ["status"] = status,
                    ["initialListPhase"] = !s.InitialListDone,
                    ["objectCount"] = s.ObjectCount,
                    ["lastTransitionTime"] = Timestamp(since),
                };
                if (reason is not null)
                {
                    condition["reason"] = reason;
                }

                if (message is not null)
                {
                    condition["message"] = message;
                }

                resources.Add(new JsonObject
                {
                    ["name"] = s.Resource.Resource.Resource,
                    ["kind"] = s.Resource.Kind,
                    ["namespaced"] = s.Resource.Namespaced,
                    ["syncConditions"] = new JsonArray(condition),
                });
            }

            groups.Add(new JsonObject { ["group"] = g.Key, ["resources"] = resources });
        }

        var result = new JsonObject
        {
            ["apiserver"] = _spec.ApiServer,
            ["conditions"] = conditionArray,
            ["syncResources"] = groups,
        };
        if (_version is not null)
        {
            result["version"] = _version;
        }

        return result;
    }

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Cluster {Cluster}: cannot connect")]
    private static partial void LogConnectFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Cluster {Cluster}: {Problem}")]
    private static partial void LogResolveProblem(ILogger logger, string cluster, string problem);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Cluster {Cluster}: writing status failed")]
    private static partial void LogStatusFailed(ILogger logger, string cluster, Exception exception);
}
