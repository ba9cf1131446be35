using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests;

public sealed class FaultTests
{
    private static Task<SimulatedCluster> StartAsync(string? token = null, bool allowAnonymous = false) =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1, Token = token, AllowAnonymous = allowAnonymous });

    [Fact]
    public async Task SetErrorRate_ShareOne429_EveryRequestTooManyRequestsWithRetryAfter()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetErrorRate(1.0, 429, retryAfterSeconds: 3);

        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("/api/v1/pods");
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            ((int)response.StatusCode).ShouldBe(429);
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
            status.Str("kind").ShouldBe("Status");
            status.Str("reason").ShouldBe("TooManyRequests");
            status["details"]!["retryAfterSeconds"]!.GetValue<int>().ShouldBe(3);
            status["code"]!.GetValue<int>().ShouldBe(429);
        }

        cluster.Faults.Reset();
        using var healthy = await http.GetAsync("/api/v1/pods");
        healthy.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SetErrorRate_Half500_ExactlyEverySecondRequestFails()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetErrorRate(0.5, 500);

        var codes = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await http.GetAsync("/api/v1/namespaces");
            codes.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.InternalServerError)
            {
                JsonNode.Parse(await response.Content.ReadAsStringAsync()).Str("reason").ShouldBe("InternalError");
            }
        }

        codes.Count(c => c == 500).ShouldBe(5);
        codes.Count(c => c == 200).ShouldBe(5);
    }

    [Fact]
    public async Task SetErrorRate_PathPrefix_OtherPathsUnaffected()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetErrorRate(1.0, 503, pathPrefix: "/api/v1/pods");

        using var pods = await http.GetAsync("/api/v1/pods");
        using var nodes = await http.GetAsync("/api/v1/nodes");

        pods.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        nodes.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GoDown_ConnectionsAbortedAndWatchCut_ThenBackAfterDuration()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        await using var watch = await WatchStream.OpenAsync(http, "/api/v1/configmaps?watch=true&resourceVersion=" + cluster.Store.CurrentResourceVersion);

        cluster.Faults.GoDown(TimeSpan.FromSeconds(1.5));

        cluster.Faults.IsDown.ShouldBeTrue();
        await Should.ThrowAsync<IOException>(async () => await watch.NextAsync());
        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("/healthz"));
        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("/api/v1/pods"));
        var state = await http.GetObjectAsync("/_sim/faults");
        state["down"]!.GetValue<bool>().ShouldBeTrue();

        await Task.Delay(TimeSpan.FromSeconds(1.7));
        using var back = await http.GetAsync("/api/v1/pods");
        back.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SetLatency_EveryAnswerDelayed()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetLatency(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync("/api/v1/namespaces");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
    }

    [Fact]
    public async Task ControlEndpoint_PostFaults_AppliesAndDeleteResets()
    {
        await using var cluster = await StartAsync(token: "ctl");
        using var http = new HttpClient { BaseAddress = cluster.Url };
        http.DefaultRequestHeaders.Authorization = new("Bearer", "ctl");

        using var post = await http.PostAsync("/_sim/faults", Body("""{"errorShare":1,"errorCode":429,"retryAfterSeconds":2,"latencyMilliseconds":10}"""));
        var state = JsonNode.Parse(await post.Content.ReadAsStringAsync())!;
        using var failed = await http.GetAsync("/api/v1/pods");
        using var reset = await http.DeleteAsync("/_sim/faults");
        using var healthy = await http.GetAsync("/api/v1/pods");

        post.StatusCode.ShouldBe(HttpStatusCode.OK);
        state["errorCode"]!.GetValue<int>().ShouldBe(429);
        state["latencyMilliseconds"]!.GetValue<long>().ShouldBe(10);
        ((int)failed.StatusCode).ShouldBe(429);
        cluster.Faults.ErrorShare.ShouldBe(0);
        healthy.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ControlEndpoint_DownThenUp_BringsClusterBack()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var down = await http.PostAsync("/_sim/faults", Body("""{"downSeconds":60}"""));
        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("/version"));
        using var up = await http.PostAsync("/_sim/faults", Body("""{"up":true}"""));
        using var back = await http.GetAsync("/version");

        down.StatusCode.ShouldBe(HttpStatusCode.OK);
        back.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ControlEndpoint_AnonymousAllowedButNoCredentials_Unauthorized()
    {
        await using var cluster = await StartAsync(token: "ctl", allowAnonymous: true);
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var api = await http.GetAsync("/api/v1/pods");
        using var control = await http.PostAsync("/_sim/faults", Body("""{"errorShare":1}"""));

        api.StatusCode.ShouldBe(HttpStatusCode.OK);
        control.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        cluster.Faults.ErrorShare.ShouldBe(0);
    }

    [Fact]
    public async Task ControlEndpoint_Compact_OldContinueTokenGone410()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var first = await http.GetObjectAsync("/api/v1/configmaps?limit=1");
        cluster.Store.Create(new(string.Empty, "v1", "configmaps"), "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "after" } });

        using var compact = await http.PostAsync("/_sim/faults", Body("""{"compact":true}"""));
        using var next = await http.GetAsync("/api/v1/configmaps?limit=1&continue=" + Uri.EscapeDataString(first.Str("metadata.continue")));

        compact.StatusCode.ShouldBe(HttpStatusCode.OK);
        next.StatusCode.ShouldBe(HttpStatusCode.Gone);
        JsonNode.Parse(await next.Content.ReadAsStringAsync()).Str("reason").ShouldBe("Expired");
    }

    [Fact]
    public async Task ControlEndpoint_DropWatches_WatchEndsCleanly()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        await using var watch = await WatchStream.OpenAsync(http, "/api/v1/pods?watch=true&resourceVersion=" + cluster.Store.CurrentResourceVersion);

        using var drop = await http.PostAsync("/_sim/faults", Body("""{"dropWatches":true}"""));

        (await watch.NextAsync()).ShouldBeNull();
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");
}
