using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Syncs one PediaCluster: connects, resolves its resources through discovery, runs one resource synchro per
/// resource, follows spec and CRD changes by starting and stopping only the resources concerned, pauses them all
/// while the cluster is unhealthy, and keeps the PediaCluster's status current.
/// </summary>
internal sealed partial class ClusterSynchro : IAsyncDisposable
{
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly string[] _conditionOrder = ["Validated", "SynchroRunning", "ClusterHealthy", "Ready"];

    private readonly string _name;
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
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _probeNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Owned by the run loop only.
    private readonly Dictionary<(string Group, string Resource), RunningResource> _resources = [];

    private PediaClusterSpec _spec;
    private List<ResourceSyncState> _states = [];
    private List<SkippedResource> _skipped = [];
    private string _crdKeys = "";
    private bool _orphansRemoved;
    private long _resolveAgainAt = long.MaxValue;
    private string? _version;
    private bool _everReady;
    private bool _failedOnce;
    private Task? _run;

    public ClusterSynchro(PediaClusterSpec spec, IResourceStorage storage, IApiObjectStore objects, SyncedResourceCatalog catalog, SynchroOptions options, TimeProvider time, ILogger logger)
    {
        _spec = spec;
        _name = spec.Name;
        _storage = storage;
        _objects = objects;
        _catalog = catalog;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public PediaClusterSpec Spec => Volatile.Read(ref _spec);

    /// <summary>True while the Ready condition is True: every resource finished its first full list and the cluster is healthy.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _conditions.TryGetValue("Ready", out var ready) && ready.Status;
            }
        }
    }

    /// <summary>True once the cluster was Ready at least once, or is known to be invalid or unreachable: waiting longer tells nothing.</summary>
    public bool Settled => Volatile.Read(ref _everReady) || Volatile.Read(ref _failedOnce);

    public void Start() => _run = Task.Run(() => RunAsync(_cts.Token));

    /// <summary>A spec whose connection is unchanged: re-resolve the resources and restart only those it affects.</summary>
    public void UpdateSpec(PediaClusterSpec spec)
    {
        Volatile.Write(ref _spec, spec);
        _wake.Writer.TryWrite(true);
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
                connection = await ClusterConnection.CreateAsync(Spec, ct).ConfigureAwait(false);
                SetCondition("Validated", true, "Validated", "");
            }
            catch (InvalidSpecException e)
            {
                Volatile.Write(ref _failedOnce, true);
                SetCondition("Validated", false, "InvalidSpec", e.Message);
                SetCondition("SynchroRunning", false, "Stop", "the spec is invalid");
                UpdateReady();
                await statusLoop.ConfigureAwait(false);
                return;
            }

            using var client = new KubeClient(connection, _time);
            using var probe = new KubeClient(ProbeOptions(connection), _time);
            var writer = new StorageWriter(_storage, _name, _time);
            await SyncWhileRunningAsync(client, probe, writer, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var r in _resources.Values)
            {
                await r.StopAsync().ConfigureAwait(false);
            }

            try
            {
                await statusLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private KubeClientOptions ProbeOptions(KubeClientOptions o) => new()
    {
        Server = o.Server,
        BearerToken = o.BearerToken,
        CertificateAuthorityPem = o.CertificateAuthorityPem,
        ClientCertificatePem = o.ClientCertificatePem,
        ClientKeyPem = o.ClientKeyPem,
        InsecureSkipTlsVerify = o.InsecureSkipTlsVerify,
        TlsServerName = o.TlsServerName,
        UserAgent = o.UserAgent,
        RequestTimeout = _options.ProbeTimeout,

        // The unhealthy threshold is the retry: a probe that retried for a minute would hide an outage.
        MaxRetryAttempts = 0,
    };

    private async Task SyncWhileRunningAsync(KubeClient client, KubeClient probe, StorageWriter writer, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
                _version = version.GitVersion;
                await ReconcileResourcesAsync(client, writer, ct).ConfigureAwait(false);
                SetCondition("Validated", true, "Validated", "");
                SetCondition("ClusterHealthy", true, "Healthy", "");
                UpdateReady();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failures++;
                Volatile.Write(ref _failedOnce, true);
                LogConnectFailed(_logger, _name, e);
                if (e is KubeApiException { StatusCode: 401 or 403 } denied)
                {
                    SetCondition("Validated", false, denied.StatusCode == 401 ? "Unauthorized" : "Forbidden",
                        $"the member cluster rejected the credentials: {Describe(e)}");
                }
                else
                {
                    SetCondition("ClusterHealthy", false, "Unreachable", Describe(e));
                }

                SetCondition("SynchroRunning", false, "Stop", "the cluster cannot be synced: " + Describe(e));
                await StopAllAsync("the cluster cannot be reached").ConfigureAwait(false);
                UpdateReady();
                await DelayAsync(failures, ct).ConfigureAwait(false);
                continue;
            }

            failures = 0;
            var healthy = await MonitorAsync(client, probe, writer, ct).ConfigureAwait(false);
            if (!healthy)
            {
                SetCondition("SynchroRunning", false, "Stop", "paused while the cluster is unhealthy");
                await StopAllAsync("the cluster failed its health checks").ConfigureAwait(false);
                UpdateReady();
            }
        }
    }

    /// <summary>
    /// Probes health on a jittered interval and re-resolves resources when the spec or the member's CRDs change.
    /// Returns false when the cluster became unhealthy, or when cancelled.
    /// </summary>
    private async Task<bool> MonitorAsync(KubeClient client, KubeClient probe, StorageWriter writer, CancellationToken ct)
    {
        using var crdCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? crdWatch = null;
        var failed = 0;
        var nextProbe = _time.GetUtcNow() + HealthDelay();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (crdWatch is null && ResourceResolver.NeedsCustomResourceDefinitions(Spec))
                {
                    crdWatch = Task.Run(() => WatchCrdsAsync(client, crdCts.Token), crdCts.Token);
                }

                var now = _time.GetUtcNow();
                var ticks = Interlocked.Read(ref _resolveAgainAt);
                var resolveAt = ticks == long.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(ticks, TimeSpan.Zero);
                var until = resolveAt < nextProbe ? resolveAt : nextProbe;
                var woken = await WaitForWakeAsync(until - now, ct).ConfigureAwait(false);
                if (woken == Wake.Resolve || _time.GetUtcNow() >= resolveAt)
                {
                    Interlocked.Exchange(ref _resolveAgainAt, long.MaxValue);
                    try
                    {
                        await ReconcileResourcesAsync(client, writer, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        LogResolveFailed(_logger, _name, e);
                        ResolveAgainIn(TimeSpan.FromSeconds(5));
                    }

                    continue;
                }

                if (woken != Wake.Probe && _time.GetUtcNow() < nextProbe)
                {
                    continue;
                }

                nextProbe = _time.GetUtcNow() + HealthDelay();
                try
                {
                    await ProbeAsync(probe, ct).ConfigureAwait(false);
                    failed = 0;
                    SetCondition("ClusterHealthy", true, "Healthy", "");
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    failed++;
                    var error = Describe(e);
                    LogProbeFailed(_logger, _name, failed, error);
                    // A refused connection is an answer, not a maybe: nothing listens there. Anything else (timeouts,
                    // resets, 5xx) must repeat, quickly, before the cluster counts as unhealthy.
                    if (failed >= _options.UnhealthyThreshold || IsRefused(e))
                    {
                        SetCondition("ClusterHealthy", false, "Unhealthy",
                            failed == 1 ? $"health check failed: {error}" : $"{failed} health checks failed in a row: {error}");
                        UpdateReady();
                        return false;
                    }

                    var retry = _time.GetUtcNow() + _options.FailedProbeRetryInterval;
                    nextProbe = retry < nextProbe ? retry : nextProbe;
                }
            }

            return false;
        }
        finally
        {
            await crdCts.CancelAsync().ConfigureAwait(false);
            if (crdWatch is not null)
            {
                try
                {
                    await crdWatch.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private TimeSpan HealthDelay() =>
        _options.HealthInterval + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(_options.HealthInterval.TotalMilliseconds / 5) + 1));

    private void ResolveAgainIn(TimeSpan delay)
    {
        var at = (_time.GetUtcNow() + delay).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _resolveAgainAt);
            if (current <= at)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _resolveAgainAt, at, current) != current);
    }

    private enum Wake
    {
        Timeout,
        Resolve,
        Probe,
    }

    /// <summary>
    /// Asks for a health probe now (rate limited): a resource synchro saw its watch end or fail, which is how an
    /// outage usually shows first, seconds before the next scheduled probe.
    /// </summary>
    private void RequestProbe()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastProbeRequest);
        if (now - last < _probeRequestSpacing.Ticks || Interlocked.CompareExchange(ref _lastProbeRequest, now, last) != last)
        {
            return;
        }

        _probeNow.Writer.TryWrite(true);
    }

    private static readonly TimeSpan _probeRequestSpacing = TimeSpan.FromMilliseconds(250);
    private long _lastProbeRequest;

    private static bool IsRefused(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits for a spec/CRD change signal, a probe request or the delay.</summary>
    private async Task<Wake> WaitForWakeAsync(TimeSpan delay, CancellationToken ct)
    {
        if (TryTake() is { } ready)
        {
            return ready;
        }

        if (delay <= TimeSpan.Zero)
        {
            return Wake.Timeout;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wake = _wake.Reader.WaitToReadAsync(timeout.Token).AsTask();
        var probe = _probeNow.Reader.WaitToReadAsync(timeout.Token).AsTask();
        var delayTask = Task.Delay(delay, _time, timeout.Token);
        await Task.WhenAny(wake, probe, delayTask).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return TryTake() ?? Wake.Timeout;

        Wake? TryTake() => _wake.Reader.TryRead(out _) ? Wake.Resolve : _probeNow.Reader.TryRead(out _) ? Wake.Probe : null;
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

    /// <summary>
    /// Discovers, resolves the spec and brings the running resource synchros in line: starts new resources, stops
    /// removed ones and deletes their rows, restarts those whose version or namespace exclusions changed. Untouched
    /// resources keep running.
    /// </summary>
    private async Task ReconcileResourcesAsync(KubeClient client, StorageWriter writer, CancellationToken ct)
    {
        var spec = Spec;
        var discovery = await new DiscoveryClient(client).DiscoverAsync(ct).ConfigureAwait(false);
        IReadOnlyList<CustomResourceDefinitionInfo>? crds = null;
        var problems = new List<string>();
        if (ResourceResolver.NeedsCustomResourceDefinitions(spec))
        {
            (crds, _) = await ListCrdsAsync(client, ct).ConfigureAwait(false);
            _crdKeys = CrdKeys(crds);
        }

        var resolved = ResourceResolver.Resolve(spec, discovery, crds, _options);
        problems.AddRange(resolved.Problems);
        problems.AddRange(discovery.FailedGroupVersions.Select(kv => $"discovery of {kv.Key} failed: {kv.Value}"));
        var excludeKey = string.Join(',', spec.ExcludeNamespaces);
        var excluded = spec.ExcludeNamespaces.ToHashSet(StringComparer.Ordinal);
        var wanted = resolved.Resources.ToDictionary(r => (r.Resource.Group, r.Resource.Resource));
        var published = new List<SyncedResource>(resolved.Resources);

        foreach (var (key, running) in _resources.ToList())
        {
            var gvr = running.Resource.Resource;
            if (!wanted.TryGetValue(key, out var want))
            {
                if (discovery.FailedGroupVersions.ContainsKey(gvr.ApiVersion))
                {
                    // Not gone, only not discoverable right now (e.g. an aggregated API down): keep it.
                    published.Add(running.Resource);
                    continue;
                }

                await running.StopAsync().ConfigureAwait(false);
                _resources.Remove(key);
                await _storage.DeleteClusterResourceAsync(_name, gvr, ct).ConfigureAwait(false);
                LogResourceRemoved(_logger, _name, gvr);
            }
            else if (want.Resource != gvr || want.Namespaced != running.Resource.Namespaced || want.Kind != running.Resource.Kind || running.ExcludeKey != excludeKey)
            {
                await running.StopAsync().ConfigureAwait(false);
                _resources.Remove(key);
                if (want.Resource != gvr)
                {
                    await _storage.DeleteClusterResourceAsync(_name, gvr, ct).ConfigureAwait(false);
                }
            }
        }

        if (!_orphansRemoved)
        {
            // Rows of resources that left the spec (or the member) while no synchro of this cluster was running.
            var wantedResources = resolved.Resources.Select(r => r.Resource).ToHashSet();
            foreach (var gvr in await _storage.GetClusterResourcesAsync(_name, ct).ConfigureAwait(false))
            {
                if (!wantedResources.Contains(gvr) && !discovery.FailedGroupVersions.ContainsKey(gvr.ApiVersion))
                {
                    await _storage.DeleteClusterResourceAsync(_name, gvr, ct).ConfigureAwait(false);
                    LogResourceRemoved(_logger, _name, gvr);
                }
            }

            _orphansRemoved = true;
        }

        foreach (var (key, want) in wanted)
        {
            if (!_resources.TryGetValue(key, out var running))
            {
                var state = new ResourceSyncState(want, _time.GetUtcNow());
                state.Changed += OnResourceChanged;
                running = new RunningResource(want, state, excludeKey);
                _resources[key] = running;
            }

            if (!running.IsRunning)
            {
                var state = running.State;
                state.Set("Pending", null, null, _time.GetUtcNow(), initialListDone: false);
                var synchro = new ResourceSynchro(_name, client, writer, state, excluded, _options, _time, _logger, RequestProbe);
                running.Start(synchro.RunAsync, ct);
                LogResourceStarted(_logger, _name, want.Resource);
            }
        }

        lock (_gate)
        {
            _states = [.. _resources.Values.Select(r => r.State)];
            _skipped = [.. resolved.Skipped];
        }

        _catalog.Set(_name, published.OrderBy(r => r.Resource.Group, StringComparer.Ordinal).ThenBy(r => r.Resource.Resource, StringComparer.Ordinal));
        foreach (var problem in problems)
        {
            LogResolveProblem(_logger, _name, problem);
        }

        foreach (var s in resolved.Skipped)
        {
            LogResolveProblem(_logger, _name, s.Message);
        }

        SetCondition("SynchroRunning", true, "Running", string.Join("; ", problems));
        OnResourceChanged();
    }

    /// <summary>Stops every resource synchro (rows stay) and marks the resources Stop.</summary>
    private async Task StopAllAsync(string message)
    {
        foreach (var r in _resources.Values)
        {
            if (r.IsRunning)
            {
                await r.StopAsync().ConfigureAwait(false);
                r.State.Set("Stop", "ClusterUnhealthy", message, _time.GetUtcNow());
            }
        }
    }

    private static string CrdKeys(IReadOnlyList<CustomResourceDefinitionInfo>? crds) =>
        crds is null ? "" : string.Join(',', crds.Select(c => c.Plural + "." + c.Group).Order(StringComparer.Ordinal));

    /// <summary>The member's CRDs and the list's resourceVersion; (null, "") when the member does not serve or allow them.</summary>
    private static async Task<(IReadOnlyList<CustomResourceDefinitionInfo>?, string)> ListCrdsAsync(KubeClient client, CancellationToken ct)
    {
        var result = new List<CustomResourceDefinitionInfo>();
        var rv = "";
        try
        {
            await foreach (var page in client.ListAllPagesAsync($"{_crds.ApiPrefix}/{_crds.Resource}", new ListRequest { Limit = 500 }, ct).ConfigureAwait(false))
            {
                if (page.IsRestart)
                {
                    result.Clear();
                }

                foreach (var item in page.Items)
                {
                    using var doc = JsonDocument.Parse(item);
                    if (CustomResourceDefinitionInfo.Parse(doc.RootElement) is { } crd)
                    {
                        result.Add(crd);
                    }
                }

                rv = page.ResourceVersion;
            }
        }
        catch (KubeApiException e) when (e.StatusCode is 403 or 404)
        {
            return (null, "");
        }

        return (result, rv);
    }

    /// <summary>Watches the member's CRDs and wakes the run loop when one appears, changes or disappears.</summary>
    private async Task WatchCrdsAsync(KubeClient client, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (crds, rv) = await ListCrdsAsync(client, ct).ConfigureAwait(false);
                if (crds is null)
                {
                    return;
                }

                if (CrdKeys(crds) != _crdKeys)
                {
                    _wake.Writer.TryWrite(true);
                }

                while (!ct.IsCancellationRequested)
                {
                    var request = new WatchRequest { ResourceVersion = rv, AllowWatchBookmarks = true, TimeoutSeconds = _options.WatchTimeoutSeconds };
                    await foreach (var e in client.WatchAsync($"{_crds.ApiPrefix}/{_crds.Resource}", request, ct).ConfigureAwait(false))
                    {
                        var (_, _, eventRv) = ObjectTransformer.PeekIdentity(e.Object.Span);
                        rv = eventRv.Length > 0 ? eventRv : rv;
                        if (e.Type != WatchEventType.Bookmark)
                        {
                            // Discovery may lag the CRD by a moment: look now and once more shortly after.
                            _wake.Writer.TryWrite(true);
                            ResolveAgainIn(TimeSpan.FromSeconds(2));
                        }
                    }

                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                LogCrdWatchFailed(_logger, _name, e);
                await DelayAsync(failures, ct).ConfigureAwait(false);
            }
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
        UpdateReady();
        MarkDirty();
    }

    /// <summary>Ready: valid, healthy, running, every resource listed once and none failing.</summary>
    private void UpdateReady()
    {
        List<ResourceSyncState> states;
        ClusterCondition? validated, healthy, running;
        lock (_gate)
        {
            states = _states;
            _conditions.TryGetValue("Validated", out validated);
            _conditions.TryGetValue("ClusterHealthy", out healthy);
            _conditions.TryGetValue("SynchroRunning", out running);
        }

        if (validated is { Status: false })
        {
            SetCondition("Ready", false, validated.Reason, validated.Message);
            return;
        }

        if (healthy is { Status: false })
        {
            SetCondition("Ready", false, "ClusterUnhealthy", healthy.Message);
            return;
        }

        if (running is not { Status: true })
        {
            SetCondition("Ready", false, "SynchroStopped", running?.Message ?? "the synchro has not started yet");
            return;
        }

        var snapshots = states.Select(s => (s, snap: s.Snapshot())).ToList();
        var errors = snapshots.Where(x => x.snap.Status == "Error").ToList();
        if (errors.Count > 0)
        {
            SetCondition("Ready", false, "SyncError", string.Join("; ", errors.Select(x => $"{x.s.Resource.Resource.GroupResource}: {x.snap.Message}")));
        }
        else if (states.All(s => s.InitialListDone))
        {
            Volatile.Write(ref _everReady, true);
            SetCondition("Ready", true, "Ready", "");
        }
        else
        {
            SetCondition("Ready", false, "Syncing", "the initial lists are not complete yet");
        }
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

    /// <summary>
    /// Writes the status whenever a condition changed (at most a few times a second), and while object counts move,
    /// every CountRefreshInterval.
    /// </summary>
    private async Task WriteStatusLoopAsync(CancellationToken ct)
    {
        var writtenCounts = "";
        while (!ct.IsCancellationRequested)
        {
            var signalled = await _dirty.WaitAsync(_options.CountRefreshInterval, ct).ConfigureAwait(false);
            var counts = CountsKey();
            if (!signalled && counts == writtenCounts)
            {
                continue;
            }

            try
            {
                await WriteStatusAsync(ct).ConfigureAwait(false);
                writtenCounts = counts;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStatusFailed(_logger, _name, e);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, ct).ConfigureAwait(false);
        }
    }

    private string CountsKey()
    {
        List<ResourceSyncState> states;
        lock (_gate)
        {
            states = _states;
        }

        return string.Join(',', states.Select(s => s.ObjectCount.ToString(CultureInfo.InvariantCulture)));
    }

    private async Task WriteStatusAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await _objects.GetAsync(PediaClusterResource.StorageKey, _name, ct).ConfigureAwait(false);
            if (stored is null)
            {
                return;
            }

            var obj = JsonNode.Parse(stored.Object.Span)!.AsObject();
            var status = BuildStatus();
            if (obj["status"] is JsonNode old && JsonNode.DeepEquals(old, status))
            {
                return;
            }

            obj["status"] = status;
            try
            {
                await _objects.UpdateAsync(PediaClusterResource.StorageKey, _name, JsonSerializer.SerializeToUtf8Bytes(obj), stored.Revision, ct).ConfigureAwait(false);
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
        List<SkippedResource> skipped;
        List<ClusterCondition> conditions;
        DateTimeOffset skippedSince;
        lock (_gate)
        {
            states = _states;
            skipped = _skipped;
            conditions = [.. _conditions.Values];
            skippedSince = _conditions.TryGetValue("SynchroRunning", out var c) ? c.LastTransitionTime : _time.GetUtcNow();
        }

        var conditionArray = new JsonArray();
        foreach (var c in conditions.OrderBy(c => Array.IndexOf(_conditionOrder, c.Type)))
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

        var rows = states.Select(s => (s.Resource, Condition: ResourceCondition(s)))
            .Concat(skipped.Select(s => (s.Resource, Condition: SkippedCondition(s, skippedSince))));
        var groups = new JsonArray();
        foreach (var g in rows.GroupBy(r => r.Resource.Resource.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var resources = new JsonArray();
            foreach (var (resource, condition) in g.OrderBy(r => r.Resource.Resource.Resource, StringComparer.Ordinal))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = resource.Resource.Resource,
                    ["kind"] = resource.Kind,
                    ["namespaced"] = resource.Namespaced,
                    ["syncConditions"] = new JsonArray(condition),
                });
            }

            groups.Add(new JsonObject { ["group"] = g.Key, ["resources"] = resources });
        }

        var spec = Spec;
        var result = new JsonObject
        {
            ["apiserver"] = spec.ApiServer,
            ["conditions"] = conditionArray,
            ["syncResources"] = groups,
        };
        if (_version is not null)
        {
            result["version"] = _version;
        }

        return result;
    }

    private static JsonObject ResourceCondition(ResourceSyncState s)
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

        return condition;
    }

    private static JsonObject SkippedCondition(SkippedResource s, DateTimeOffset since) => new()
    {
        ["version"] = s.Resource.Resource.Version,
        ["status"] = "Stop",
        ["reason"] = s.Reason,
        ["message"] = s.Message,
        ["initialListPhase"] = false,
        ["lastTransitionTime"] = Timestamp(since),
    };

    private static string Timestamp(DateTimeOffset t) => KubeTime.Format(t);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Cluster {Cluster}: cannot connect")]
    private static partial void LogConnectFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Cluster {Cluster}: {Problem}")]
    private static partial void LogResolveProblem(ILogger logger, string cluster, string problem);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Cluster {Cluster}: writing status failed")]
    private static partial void LogStatusFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Cluster {Cluster}: resolving resources failed; retrying")]
    private static partial void LogResolveFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Cluster {Cluster}: health check {Count} failed: {Error}")]
    private static partial void LogProbeFailed(ILogger logger, string cluster, int count, string error);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Cluster {Cluster}: started syncing {Resource}")]
    private static partial void LogResourceStarted(ILogger logger, string cluster, GroupVersionResource resource);

    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "Cluster {Cluster}: stopped syncing {Resource} and removed its objects")]
    private static partial void LogResourceRemoved(ILogger logger, string cluster, GroupVersionResource resource);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Cluster {Cluster}: watching CustomResourceDefinitions failed; retrying")]
    private static partial void LogCrdWatchFailed(ILogger logger, string cluster, Exception exception);
}
