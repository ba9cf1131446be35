namespace Clusterpedia.KubeSim.Tests.Aggregation;

/// <summary>Real kubectl against a host simulator that proxies example.com/v1 to a backend simulator (both HTTPS).</summary>
public sealed class AggregationKubectlTests
{
    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetRaw_AggregatedGroupVersion_ServedByBackend(string binary)
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var kubectl = new Kubectl(pair.Host, binary);

        var output = await kubectl.OkAsync("get", "--raw", "/apis/example.com/v1");

        output.ShouldContain("\"groupVersion\":\"example.com/v1\"");
        output.ShouldContain("\"name\":\"widgets\"");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task ApiResources_AggregatedGroup_Listed(string binary)
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var kubectl = new Kubectl(pair.Host, binary);

        var output = await kubectl.OkAsync("api-resources", "--api-group", "example.com");

        output.ShouldContain("widgets");
        output.ShouldContain("example.com/v1");
        output.ShouldContain("Widget");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task CreateGetList_ThroughHost_ObjectsLiveInBackend(string binary)
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var kubectl = new Kubectl(pair.Host, binary);
        var file = Path.Combine(Path.GetTempPath(), $"widget-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"default"},"spec":{"color":"red"}}
            """);
        try
        {
            (await kubectl.OkAsync("create", "-f", file)).ShouldBe("widget.example.com/w1 created\n");
        }
        finally
        {
            File.Delete(file);
        }

        pair.Backend.Store.Get(AggregatedPair.Widgets, "default", "w1").ShouldNotBeNull();
        (await kubectl.OkAsync("get", "widgets", "-n", "default")).ShouldContain("w1");
        (await kubectl.OkAsync("get", "widget", "w1", "-n", "default", "-o", "jsonpath={.spec.color}")).ShouldBe("red");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetWatch_ThroughHost_EventsArriveOneByOne(string binary)
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var kubectl = new Kubectl(pair.Host, binary);
        using var watch = kubectl.Start("get", "widgets", "-w", "-n", "default", "-o", "name");
        try
        {
            await Eventually.TrueAsync(() => pair.Backend.Store.ActiveWatchCount > 0, "kubectl to watch through the host", TimeSpan.FromSeconds(15));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            foreach (var name in new[] { "first", "second" })
            {
                // One object at a time: each line must arrive while the watch stays open, not when it ends.
                pair.Backend.Store.Create(AggregatedPair.Widgets, "default", $$$"""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"{{{name}}}"}}""");
                var line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
                line.ShouldBe($"widget.example.com/{name}");
            }
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task GetRaw_BackendDown_ServiceUnavailableThenAvailableAgain()
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var kubectl = new Kubectl(pair.Host, Kubectl.Newest);

        pair.Backend.Faults.GoDown(TimeSpan.FromMinutes(5));
        await pair.WaitAvailableAsync("v1.example.com", "False");
        var (status, reason, message) = pair.Available("v1.example.com");
        reason.ShouldBe("FailedDiscoveryCheck");
        message.ShouldStartWith($"failing or missing response from https://127.0.0.1:{pair.Backend.Url.Port}/apis/example.com/v1: ");
        var (exit, _, error) = await kubectl.RunAsync("get", "--raw", "/apis/example.com/v1");
        exit.ShouldNotBe(0);
        error.ShouldContain("ServiceUnavailable");
        var table = await kubectl.OkAsync("get", "apiservices", "v1.example.com");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["NAME", "SERVICE", "AVAILABLE", "AGE"]);
        lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[..3]
            .ShouldBe(["v1.example.com", "widgets/api", "False (FailedDiscoveryCheck)"]);

        pair.Backend.Faults.ComeUp();
        await pair.WaitAvailableAsync("v1.example.com", "True");
        status.ShouldBe("False");
        pair.Available("v1.example.com").ShouldBe(("True", "Passed", "all checks passed"));
        (await kubectl.OkAsync("get", "--raw", "/apis/example.com/v1")).ShouldContain("widgets");
    }

    [Fact]
    public async Task GetRaw_CaBundleOfAnotherCa_Refused()
    {
        // The APIService trusts a CA that did not sign the backend's serving certificate.
        await using var other = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Namespaces = 0 });
        await using var pair = await AggregatedPair.StartAsync(caBundle: other.CaCertificatePem);
        using var kubectl = new Kubectl(pair.Host, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("get", "--raw", "/apis/example.com/v1");

        exit.ShouldNotBe(0);
        error.ShouldContain("ServiceUnavailable");
        error.ShouldContain("remote certificate was rejected");
    }
}
