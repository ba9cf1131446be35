using System.Text.Json;
using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Client;

public sealed class KubeClientSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string _token = "sim-token";
    private const string _namespace = "client-test";
    private const string _configMaps = "/api/v1/namespaces/client-test/configmaps";
    private static readonly GroupVersionResource _configMapsGvr = new("", "v1", "configmaps");

    private SimulatedCluster? _cluster;
    private KubeClient? _client;

    private SimulatedCluster Cluster => _cluster ?? throw new InvalidOperationException("simulator not started");

    private KubeClient Client => _client ?? throw new InvalidOperationException("client not created");

    public async Task InitializeAsync()
    {
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = _token });
        _client = new KubeClient(new KubeClientOptions { Server = _cluster.Url, BearerToken = _token });
        _cluster.Store.Create(new GroupVersionResource("", "v1", "namespaces"), null,
            $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{_namespace}}}"}}""");
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetVersionAsync_Simulator_ReportsGitVersion()
    {
        var version = await Client.GetVersionAsync(CancellationToken.None);

        version.GitVersion.ShouldBe(Cluster.Options.KubernetesVersion);
        version.Major.ShouldBe("1");
    }

    [Fact]
    public async Task ListAllPagesAsync_MoreThanOnePage_ReturnsEveryObjectExactlyOnce()
    {
        for (var i = 0; i < 250; i++)
        {
            CreateConfigMap($"cm-{i:D3}", i % 2 == 0 ? "even" : "odd");
        }

        var names = new List<string>();
        var pages = 0;
        string? kind = null;
        await foreach (var page in Client.ListAllPagesAsync(_configMaps, new ListRequest { Limit = 17 }, CancellationToken.None))
        {
            pages++;
            kind ??= page.Kind;
            page.IsRestart.ShouldBeFalse();
            names.AddRange(page.Items.Select(Name));
        }

        kind.ShouldBe("ConfigMapList");
        pages.ShouldBe(15);
        names.Count.ShouldBe(250);
        names.Distinct().Count().ShouldBe(250);
    }

    [Fact]
    public async Task ListPageAsync_LabelSelector_IsAppliedByServer()
    {
        for (var i = 0; i < 10; i++)
        {
            CreateConfigMap($"cm-{i}", i % 2 == 0 ? "even" : "odd");
        }

        var page = await Client.ListPageAsync(_configMaps, new ListRequest { LabelSelector = "parity in (even)" }, CancellationToken.None);

        page.Items.Select(Name).ShouldBe(["cm-0", "cm-2", "cm-4", "cm-6", "cm-8"], ignoreOrder: true);
        long.Parse(page.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ListAllPagesAsync_ContinueTokenExpires_RestartsTheList()
    {
        for (var i = 0; i < 30; i++)
        {
            CreateConfigMap($"cm-{i:D2}", "x");
        }

        var pages = new List<ListPage>();
        await foreach (var page in Client.ListAllPagesAsync(_configMaps, new ListRequest { Limit = 10 }, CancellationToken.None))
        {
            pages.Add(page);
            if (pages.Count == 1)
            {
                // A write, then compaction past the token's snapshot: the next page gets 410 Expired.
                CreateConfigMap("late", "x");
                Cluster.Store.Compact();
            }
        }

        var restart = pages.FindIndex(p => p.IsRestart);
        restart.ShouldBe(1);
        var relisted = pages.Skip(restart).SelectMany(p => p.Items).Select(Name).ToList();
        relisted.Count.ShouldBe(31);
        relisted.Distinct().Count().ShouldBe(31);
    }

    [Fact]
    public async Task WatchAsync_FromResourceVersion_ResumesWithoutMissingOrRepeating()
    {
        CreateConfigMap("before", "x");
        var list = await Client.ListPageAsync(_configMaps, new ListRequest(), CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            CreateConfigMap($"after-{i}", "x");
        }

        Cluster.Store.Update(_configMapsGvr, _namespace, "after-0", o =>
        {
            o["data"] = new System.Text.Json.Nodes.JsonObject { ["k"] = "v" };
            return o;
        });
        Cluster.Store.Delete(_configMapsGvr, _namespace, "after-1");

        var events = new List<(WatchEventType, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in Client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = list.ResourceVersion }, cts.Token))
        {
            if (e.Type == WatchEventType.Bookmark)
            {
                continue;
            }

            events.Add((e.Type, Name(e.Object)));
            if (events.Count == 7)
            {
                break;
            }
        }

        events.ShouldBe(
        [
            (WatchEventType.Added, "after-0"),
            (WatchEventType.Added, "after-1"),
            (WatchEventType.Added, "after-2"),
            (WatchEventType.Added, "after-3"),
            (WatchEventType.Added, "after-4"),
            (WatchEventType.Modified, "after-0"),
            (WatchEventType.Deleted, "after-1"),
        ]);
    }

    [Fact]
    public async Task WatchAsync_TooOldResourceVersion_ThrowsExpired()
    {
        CreateConfigMap("a", "x");
        var list = await Client.ListPageAsync(_configMaps, new ListRequest(), CancellationToken.None);
        CreateConfigMap("b", "x");
        Cluster.Store.Compact();

        var e = await Should.ThrowAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in Client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = list.ResourceVersion }, CancellationToken.None))
            {
            }
        });

        e.IsExpired.ShouldBeTrue();
        e.StatusCode.ShouldBe(410);
    }

    [Fact]
    public async Task WatchAsync_ServerTimeout_EndsCleanly()
    {
        var list = await Client.ListPageAsync(_configMaps, new ListRequest(), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await foreach (var _ in Client.WatchAsync(_configMaps, new WatchRequest { ResourceVersion = list.ResourceVersion, TimeoutSeconds = 1 }, cts.Token))
        {
        }

        cts.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task GetRawAsync_MissingObject_ThrowsNotFound()
    {
        var e = await Should.ThrowAsync<KubeApiException>(() => Client.GetRawAsync(_configMaps + "/nope", CancellationToken.None));

        (e.StatusCode, e.Reason).ShouldBe((404, "NotFound"));
    }

    [Fact]
    public async Task ListPageAsync_WithoutToken_ThrowsUnauthorized()
    {
        using var anonymous = new KubeClient(new KubeClientOptions { Server = Cluster.Url });

        var e = await Should.ThrowAsync<KubeApiException>(() => anonymous.ListPageAsync(_configMaps, new ListRequest(), CancellationToken.None));

        e.StatusCode.ShouldBe(401);
    }

    private void CreateConfigMap(string name, string parity) =>
        Cluster.Store.Create(_configMapsGvr, _namespace,
            $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","labels":{"parity":"{{{parity}}}"}},"data":{"i":"{{{name}}}"}}""");

    private static string Name(ReadOnlyMemory<byte> obj)
    {
        using var doc = JsonDocument.Parse(obj);
        return doc.RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
    }
}
