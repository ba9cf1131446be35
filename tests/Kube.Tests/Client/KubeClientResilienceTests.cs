using System.Diagnostics;
using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>
/// Retries, give-ups and broken watches against the simulator's fault injection over HTTPS; the simulator's own
/// request log tells how many attempts reached it and what each was answered.
/// </summary>
public sealed class KubeClientResilienceTests : IAsyncLifetime, IDisposable
{
    private const string _token = "resilience-token";
    private const string _namespaces = "/api/v1/namespaces";
    private const string _configMaps = "/api/v1/namespaces/default/configmaps";
    private static readonly GroupVersionResource _configMapsGvr = new("", "v1", "configmaps");

    private readonly SimulatorLog _log = new();
    private SimulatedCluster? _cluster;

    private SimulatedCluster Cluster => _cluster ?? throw new InvalidOperationException("simulator not started");

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(
            new SimulatorOptions { Port = 0, Tls = true, Token = _token, Namespaces = 1, RunControllers = false }, _log.Factory);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task GetRawAsync_ServiceUnavailableTwice_RetriesAndSucceeds()
    {
        Cluster.Faults.SetErrorRate(1.0, 503, retryAfterSeconds: 1, pathPrefix: _namespaces);
        var recovery = ResetAfterRequestsAsync(_namespaces, 2);
        using var client = CreateClient();

        var body = await client.GetRawAsync(_namespaces, CancellationToken.None);
        await recovery;

        ListPageParser.Parse(body).Kind.ShouldBe("NamespaceList");
        (await _log.WaitForRequestsAsync(_namespaces, 3)).ShouldBe([503, 503, 200]);
    }

    [Fact]
    public async Task GetRawAsync_TooManyRequestsWithRetryAfter_WaitsThenSucceeds()
    {
        Cluster.Faults.SetErrorRate(1.0, 429, retryAfterSeconds: 1, pathPrefix: _namespaces);
        var recovery = ResetAfterRequestsAsync(_namespaces, 1);
        // Backoff of 20 ms: only the server's Retry-After can make the client wait a second.
        using var client = CreateClient();
        var clock = Stopwatch.StartNew();

        await client.GetRawAsync(_namespaces, CancellationToken.None);
        await recovery;

        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        (await _log.WaitForRequestsAsync(_namespaces, 2)).ShouldBe([429, 200]);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(409)]
    [InlineData(422)]
    public async Task GetRawAsync_ClientError_IsNotRetried(int statusCode)
    {
        Cluster.Faults.SetErrorRate(1.0, statusCode, pathPrefix: _namespaces);
        using var client = CreateClient();

        var e = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));

        e.StatusCode.ShouldBe(statusCode);
        e.StatusMessage.ShouldBe($"injected fault: HTTP {statusCode}");
        (await _log.WaitForRequestsAsync(_namespaces, 1)).ShouldBe([statusCode]);
    }

    [Fact]
    public async Task GetRawAsync_MissingObject_NotFoundIsNotRetried()
    {
        using var client = CreateClient();

        var e = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync(_configMaps + "/nope", CancellationToken.None));

        (e.StatusCode, e.Reason).ShouldBe((404, "NotFound"));
        (await _log.WaitForRequestsAsync(_configMaps + "/nope", 1)).ShouldBe([404]);
    }

    [Fact]
    public async Task GetRawAsync_PersistentServerError_GivesUpWithStatus()
    {
        Cluster.Faults.SetErrorRate(1.0, 500, pathPrefix: _namespaces);
        using var client = CreateClient(retries: 2);

        var e = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));

        (e.StatusCode, e.Reason, e.StatusMessage).ShouldBe((500, "InternalError", "Internal error occurred: injected fault"));
        (await _log.WaitForRequestsAsync(_namespaces, 3)).ShouldBe([500, 500, 500]);
    }

    [Fact]
    public async Task GetRawAsync_ClusterDownForAWhile_RetriesUntilItIsBack()
    {
        Cluster.Faults.GoDown(TimeSpan.FromMinutes(5));
        var recovery = Task.Run(async () =>
        {
            // A dead apiserver resets the connection of every request without logging it; each attempt after a reset
            // comes on a new connection, so the third connection means two attempts were cut.
            await _log.WaitForConnectionsAsync(3);
            Cluster.Faults.ComeUp();
        });
        using var client = CreateClient(retries: 8);

        var body = await client.GetRawAsync(_namespaces, CancellationToken.None);
        await recovery;

        ListPageParser.Parse(body).Kind.ShouldBe("NamespaceList");
        _log.Connections.ShouldBeGreaterThanOrEqualTo(3);
        (await _log.WaitForRequestsAsync(_namespaces, 1)).ShouldBe([200]);
    }

    [Fact]
    public async Task GetRawAsync_ConnectionRefused_RetriesThenFailsClearly()
    {
        var stopped = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Namespaces = 1, RunControllers = false });
        var (url, ca) = (stopped.Url, stopped.CaCertificatePem);
        await stopped.DisposeAsync();
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = url,
            CertificateAuthorityPem = ca,
            MaxRetryAttempts = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));

        e.Message.ShouldContain("refused", Case.Insensitive);
        e.Message.ShouldContain(url.Authority);
    }

    [Fact]
    public async Task WatchAsync_StreamGoesSilent_EndsWithinWatchdogPeriod()
    {
        var from = Cluster.Store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        CreateConfigMap("a");
        // No bookmarks asked for and nothing else changes: after the one event the stream carries no byte at all.
        using var client = CreateClient(watchIdleTimeout: TimeSpan.FromMilliseconds(500));
        var events = new List<string>();
        var sinceLastEvent = Stopwatch.StartNew();

        await Should.ThrowAsync<WatchIdleTimeoutException>(async () =>
        {
            await foreach (var e in client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = from }, CancellationToken.None))
            {
                events.Add($"{e.Type} {Name(e)}");
                sinceLastEvent.Restart();
            }
        });

        events.ShouldBe(["Added a"]);
        sinceLastEvent.Elapsed.ShouldBeInRange(TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task WatchAsync_ServerDropsWatch_EndsCleanly()
    {
        var from = Cluster.Store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        CreateConfigMap("a");
        using var client = CreateClient(watchIdleTimeout: TimeSpan.FromSeconds(30));
        var events = new List<string>();
        var sinceDrop = Stopwatch.StartNew();

        await foreach (var e in client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = from }, CancellationToken.None))
        {
            events.Add($"{e.Type} {Name(e)}");
            Cluster.Faults.DropWatches();
            sinceDrop.Restart();
        }

        events.ShouldBe(["Added a"]);
        sinceDrop.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WatchAsync_ClusterGoesDownMidWatch_ThrowsIOExceptionAtOnce()
    {
        var from = Cluster.Store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        CreateConfigMap("a");
        using var client = CreateClient(watchIdleTimeout: TimeSpan.FromSeconds(30));
        var events = new List<string>();
        var sinceDown = Stopwatch.StartNew();

        // The connection is cut, not closed: that must not look like the server ending the watch.
        await Should.ThrowAsync<IOException>(async () =>
        {
            await foreach (var e in client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = from }, CancellationToken.None))
            {
                events.Add($"{e.Type} {Name(e)}");
                Cluster.Faults.GoDown(TimeSpan.FromMinutes(5));
                sinceDown.Restart();
            }
        });

        events.ShouldBe(["Added a"]);
        sinceDown.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    private KubeClient CreateClient(int retries = 4, TimeSpan? watchIdleTimeout = null) => new(new KubeClientOptions
    {
        Server = Cluster.Url,
        CertificateAuthorityPem = Cluster.CaCertificatePem,
        BearerToken = _token,
        MaxRetryAttempts = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(5),
        WatchIdleTimeout = watchIdleTimeout ?? TimeSpan.FromMinutes(2),
    });

    // Heals the cluster once it has answered `failures` requests on `path` with the injected error.
    private Task ResetAfterRequestsAsync(string path, int failures) => Task.Run(async () =>
    {
        await _log.WaitForRequestsAsync(path, failures);
        Cluster.Faults.Reset();
    });

    private void CreateConfigMap(string name) =>
        Cluster.Store.Create(_configMapsGvr, "default", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"}}""");

    private static string Name(WatchEvent e)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(e.Object);
        return doc.RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
    }
}
