using System.Net.Http.Headers;
using System.Text.Json;
using Clusterpedia.KubeSim;
using Clusterpedia.TestSupport.MariaDb;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>The demo on the mysql engine (<c>--Storage:Engine mysql</c> against the private MariaDB), seen through real kubectl.</summary>
[Collection(MariaDbEndToEndCollection.Name)]
public sealed class MySqlEngineKubectlTests(MariaDbDemoEnvironment env) : IClassFixture<MariaDbDemoEnvironment>
{
    public static TheoryData<string> Binaries() => [.. Kubectl.Binaries()];

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetDeploymentsAllNamespaces_MySqlEngine_ListsEveryDeploymentOfBothClusters(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A");

        var expected = (await MemberDeploymentsAsync(env.Cluster1)).Select(d => ("cluster-1", d.Namespace, d.Name))
            .Concat((await MemberDeploymentsAsync(env.Cluster2)).Select(d => ("cluster-2", d.Namespace, d.Name)))
            .Order().ToList();
        expected.Count.ShouldBeGreaterThan(2);
        Rows(output).Select(r => (r[1], r[0], r[2])).Order().ToList().ShouldBe(expected);
    }

    [Fact]
    public async Task GetPodsWithFieldSelectorAndChunks_MySqlEngine_PagesThroughOneCluster()
    {
        // --chunk-size 2 walks the keyset continue tokens; the field selector reads the JSON object.
        var all = Rows(await env.Kubectl().OkAsync("--cluster", "cluster-1", "get", "pods", "-A"));
        var paged = Rows(await env.Kubectl().OkAsync("--cluster", "cluster-1", "get", "pods", "-A", "--chunk-size", "2",
            "--field-selector", "metadata.namespace!=no-such-namespace"));

        all.Count.ShouldBeGreaterThan(2);
        paged.Select(r => (r[0], r[2])).ShouldBe(all.Select(r => (r[0], r[2])));
    }

    private async Task<List<(string Namespace, string Name)>> MemberDeploymentsAsync(SimulatedCluster sim)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.Url, "/apis/apps/v1/deployments"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sim.Token);
        using var response = await env.MemberHttp(sim).SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("metadata").GetProperty("namespace").GetString()!, i.GetProperty("metadata").GetProperty("name").GetString()!))];
    }

    private static List<string[]> Rows(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
}
