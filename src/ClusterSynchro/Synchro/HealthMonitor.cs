using System.Threading.Channels;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Watches one member's health while its resources sync: probes on a jittered interval (and at once, rate limited,
/// when a resource synchro's watch ends), and runs the resolve when the spec or the member's CRDs change.
/// </summary>
internal sealed partial class HealthMonitor(string name, SynchroOptions options, TimeProvider time, ILogger logger, ClusterStatusWriter status)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _probeNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _resolveAgainAt = long.MaxValue;

    /// <summary>The spec or the member's CRDs changed: resolve the resources again.</summary>
    public void RequestResolve() => _wake.Writer.TryWrite(true);

    /// <summary>A client for probes: short timeout, no retries.</summary>
    public KubeClientOptions ProbeOptions(KubeClientOptions o) => new()
    {
        Server = o.Server,
        BearerToken = o.BearerToken,
        BearerTokenSource = o.BearerTokenSource,
        CertificateAuthorityPem = o.CertificateAuthorityPem,
        ClientCertificatePem = o.ClientCertificatePem,
        ClientKeyPem = o.ClientKeyPem,
        InsecureSkipTlsVerify = o.InsecureSkipTlsVerify,
        TlsServerName = o.TlsServerName,
        ProxyUrl = o.ProxyUrl,
        UserAgent = o.UserAgent,
        AllowAddress = o.AllowAddress,
        RequestTimeout = options.ProbeTimeout,

        // The unhealthy threshold is the retry: a probe that retried for a minute would hide an outage.
        MaxRetryAttempts = 0,
    };

    /// <summary>
    /// Probes health on a jittered interval and re-resolves resources when the spec or the member's CRDs change.
    /// Returns false when the cluster became unhealthy, or when cancelled.
    /// </summary>
    /// <remarks>reconcile resolves the resources again; watchCrds is started when needsCrds says so.</remarks>
    public async Task<bool> MonitorAsync(
        KubeClient probe, Func<CancellationToken, Task> reconcile, Func<bool> needsCrds, Func<CancellationToken, Task> watchCrds, CancellationToken ct)
    {
        using var crdCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var resolveCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? crdWatch = null;

        // A resolve runs beside the probes, never in their way: against a hung member its discovery calls wait out
        // their timeouts and retries (minutes), and the outage must still be seen within the probe bound.
        Task? resolving = null;
        var failed = 0;
        var nextProbe = time.GetUtcNow() + HealthDelay();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (crdWatch is null && needsCrds())
                {
                    crdWatch = Task.Run(() => watchCrds(crdCts.Token), crdCts.Token);
                }

                var now = time.GetUtcNow();
                var ticks = Interlocked.Read(ref _resolveAgainAt);
                var resolveAt = ticks == long.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(ticks, TimeSpan.Zero);
                var until = resolveAt < nextProbe ? resolveAt : nextProbe;
                var woken = await WaitForWakeAsync(until - now, ct).ConfigureAwait(false);
                if (woken == Wake.Resolve || time.GetUtcNow() >= resolveAt)
                {
                    if (resolving is { IsCompleted: false })
                    {
                        // One resolve at a time: look again shortly, and resolve once the running one has ended.
                        Interlocked.Exchange(ref _resolveAgainAt, (time.GetUtcNow() + _resolveBusyRecheck).UtcTicks);
                    }
                    else
                    {
                        Interlocked.Exchange(ref _resolveAgainAt, long.MaxValue);
                        resolving = ResolveAsync(reconcile, resolveCts.Token);
                    }

                    continue;
                }

                if (woken != Wake.Probe && time.GetUtcNow() < nextProbe)
                {
                    continue;
                }

                nextProbe = time.GetUtcNow() + HealthDelay();
                try
                {
                    await ProbeAsync(probe, ct).ConfigureAwait(false);
                    failed = 0;
                    status.SetCondition("ClusterHealthy", true, "Healthy", "");
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    failed++;
                    var error = FailureText.Describe(e);
                    LogProbeFailed(logger, name, failed, error);
                    // A refused connection is an answer, not a maybe: nothing listens there. Anything else (timeouts,
                    // resets, 5xx) must repeat, quickly, before the cluster counts as unhealthy.
                    if (failed >= options.UnhealthyThreshold || IsRefused(e))
                    {
                        status.SetCondition("ClusterHealthy", false, "Unhealthy",
                            failed == 1 ? $"health check failed: {error}" : $"{failed} health checks failed in a row: {error}");
                        status.UpdateReady();
                        return false;
                    }

                    var retry = time.GetUtcNow() + options.FailedProbeRetryInterval;
                    nextProbe = retry < nextProbe ? retry : nextProbe;
                }
            }

            return false;
        }
        finally
        {
            await resolveCts.CancelAsync().ConfigureAwait(false);
            if (resolving is not null)
            {
                try
                {
                    await resolving.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

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

    private static readonly TimeSpan _resolveBusyRecheck = TimeSpan.FromMilliseconds(500);

    /// <summary>One resolve; a failure is logged, retried in a few seconds, and probed for at once (it may be an outage).</summary>
    private async Task ResolveAsync(Func<CancellationToken, Task> reconcile, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await reconcile(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogResolveFailed(logger, name, e);
            ResolveAgainIn(TimeSpan.FromSeconds(5));
            _probeNow.Writer.TryWrite(true);
        }
    }

    private TimeSpan HealthDelay() =>
        options.HealthInterval + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(options.HealthInterval.TotalMilliseconds / 5) + 1));

    /// <summary>Resolves again after <paramref name="delay"/> (or sooner, if already due sooner).</summary>
    public void ResolveAgainIn(TimeSpan delay)
    {
        var at = (time.GetUtcNow() + delay).UtcTicks;
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
    public void RequestProbe()
    {
        var now = time.GetUtcNow().UtcTicks;
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
        var delayTask = Task.Delay(delay, time, timeout.Token);
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

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Cluster {Cluster}: resolving resources failed; retrying")]
    private static partial void LogResolveFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Cluster {Cluster}: health check {Count} failed: {Error}")]
    private static partial void LogProbeFailed(ILogger logger, string cluster, int count, string error);
}
