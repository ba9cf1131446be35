using System.Diagnostics;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class ChurnTests
{
    [Fact]
    public async Task StartChurn_200PerSecond_WritesNoFasterThanThatRateThenStops()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 2, PodsPerDeployment = 3 });
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var before = cluster.Store.CurrentResourceVersion;
        await using var watch = await WatchStream.OpenAsync(http, $"/api/v1/pods?watch=true&resourceVersion={before}");

        var configMaps = new GroupVersionResource(string.Empty, "v1", "configmaps");
        var running = Stopwatch.StartNew();
        cluster.StartChurn(200);
        var modified = await watch.NextMatchingAsync(e => e.Str("type") == "MODIFIED");

        // Churn creates ConfigMaps too (one write in ten): wait for one rather than for a fixed time, which on a
        // loaded machine may hold only a handful of writes.
        await Eventually.TrueAsync(
            () => cluster.Store.List(configMaps).Any(cm => cm.Str("metadata.name").StartsWith("churn-", StringComparison.Ordinal)),
            "a ConfigMap created by churn");
        await cluster.StopChurnAsync();
        running.Stop();
        var operations = cluster.ChurnOperations;
        // The controller may still be replacing a pod churn deleted: wait until the cluster is quiet.
        var after = cluster.Store.CurrentResourceVersion;
        await Eventually.TrueAsync(() => { var now = cluster.Store.CurrentResourceVersion; var quiet = now == after; after = now; Thread.Sleep(100); return quiet; }, "a quiet cluster");

        modified["object"]!["metadata"]!["annotations"]!.AsObject().ContainsKey("churn.kubesim.clusterpedia.io/tick").ShouldBeTrue();
        // A rate limit, not a timing test: under load churn may run slower, never faster than 200 a second.
        operations.ShouldBeInRange(1, (int)(200 * running.Elapsed.TotalSeconds) + 20);
        (after - before).ShouldBeGreaterThanOrEqualTo(operations / 2);
        cluster.ChurnOperations.ShouldBe(operations);
    }

    [Fact]
    public async Task ControlEndpoint_ChurnPerSecond_StartsAndStopsChurn()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1 });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var start = await http.PostAsync("/_sim/faults", new StringContent("""{"churnPerSecond":100}"""));
        await Eventually.TrueAsync(() => cluster.ChurnOperations > 10, "churn writes");
        using var stop = await http.PostAsync("/_sim/faults", new StringContent("""{"churnPerSecond":0}"""));
        var operations = cluster.ChurnOperations;
        await Task.Delay(200);

        start.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        stop.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        cluster.ChurnOperations.ShouldBe(operations);
    }
}
