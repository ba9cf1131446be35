using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;
using Clusterpedia.KubeSim.Faults;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>What the client makes of answers no healthy apiserver sends: proxy error pages, cut watch streams, endless lists.</summary>
public sealed class CorruptAnswerTests
{
    private static Task<SimulatedCluster> StartAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1, RunControllers = false });

    private static KubeClient Client(SimulatedCluster sim) => new(new KubeClientOptions { Server = sim.Url, MaxRetryAttempts = 0 });

    [Fact]
    public async Task ListPageAsync_HtmlErrorPage_KubeApiExceptionWithItsTitle()
    {
        await using var sim = await StartAsync();
        sim.Faults.SetErrorRate(1.0, 502, html: true);
        using var client = Client(sim);

        var e = await Should.ThrowAsync<KubeApiException>(() => client.ListPageAsync("/api/v1/pods", new ListRequest(), CancellationToken.None));
        e.StatusCode.ShouldBe(502);
        e.StatusMessage.ShouldNotBeNull();
        e.StatusMessage.ShouldStartWith("502 Bad Gateway (an HTML page");
        e.StatusMessage.ShouldNotContain("<html>");
    }

    [Fact]
    public async Task WatchAsync_StreamCutMidEvent_InvalidDataExceptionAfterTheWholeEvents()
    {
        await using var sim = await StartAsync();
        sim.Faults.SetTruncateWatches(true, "/api/v1/namespaces");
        using var client = Client(sim);

        var events = 0;
        var e = await Should.ThrowAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in client.WatchAsync("/api/v1/namespaces", new WatchRequest { ResourceVersion = "0" }, CancellationToken.None))
            {
                events++;
            }
        });
        e.Message.ShouldContain("ended in the middle of an event");
        events.ShouldBe(sim.Store.List(new GroupVersionResource("", "v1", "namespaces")).Count);
    }

    [Fact]
    public async Task ListAllPagesAsync_SameContinueTokenBack_EndlessListException()
    {
        await using var sim = await StartAsync();
        sim.Faults.SetEndlessContinue(EndlessContinueMode.Repeat, "/api/v1/namespaces");
        using var client = Client(sim);

        var pages = 0;
        await Should.ThrowAsync<EndlessListException>(async () =>
        {
            await foreach (var _ in client.ListAllPagesAsync("/api/v1/namespaces", new ListRequest { Limit = 1 }, CancellationToken.None))
            {
                pages++;
            }
        });
        pages.ShouldBe(1);
    }

    [Fact]
    public async Task ListPageAsync_MemberHangsAfterHeaders_TimeoutExceptionWithinTheRequestTimeout()
    {
        await using var sim = await StartAsync();
        sim.Faults.SetStallListBodies(true, "/api/v1/namespaces");
        using var client = new KubeClient(new KubeClientOptions { Server = sim.Url, MaxRetryAttempts = 0, RequestTimeout = TimeSpan.FromSeconds(1) });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Should.ThrowAsync<TimeoutException>(
            () => client.ListPageAsync("/api/v1/namespaces", new ListRequest(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        e.Message.ShouldContain("the response body stalled");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));

        sim.Faults.SetStallListBodies(false);
        (await client.ListPageAsync("/api/v1/namespaces", new ListRequest(), CancellationToken.None)).Items.Count.ShouldBeGreaterThan(0);
    }
}
