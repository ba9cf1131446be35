using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// A member that stops answering shows in searches at once: the Warning header names it within the bounds of issue 20
/// (refused connections 2 s, a hung member 10 s), and goes away when the member is back.
/// </summary>
public sealed class HealthWarningTests(OwnApiServer server) : IClassFixture<OwnApiServer>
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private async Task<SimulatedCluster> StartReadyMemberAsync(string name)
    {
        var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = name, Tls = true, Token = name + "-token", Seed = 3 });
        var (code, body) = await server.SendAsync(HttpMethod.Post, OwnApiServer.PediaClusters, $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"},
             "spec":{"apiserver":"{{{sim.Url.ToString().TrimEnd('/')}}}","caData":"{{{B64(sim.CaCertificatePem!)}}}","tokenData":"{{{B64(sim.Token!)}}}",
                     "syncResources":[{"group":"apps","resources":["deployments"]}]}}
            """);
        code.ShouldBe(201, body?.ToJsonString());
        await WaitForWarningAsync(name, present: false, TimeSpan.FromSeconds(60));
        return sim;
    }

    /// <summary>Searches the cluster until its Warning header is (or is no longer) there; returns how long that took.</summary>
    private async Task<TimeSpan> WaitForWarningAsync(string cluster, bool present, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Server, $"/apis/clusterpedia.io/v1beta1/resources/clusters/{cluster}/apis/apps/v1/deployments?limit=1"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await server.Http.SendAsync(request);
            // Until the first sync the cluster serves no deployments yet (404); after it, searches always answer 200.
            var synced = (int)response.StatusCode == 200;
            if (!synced && (present || (int)response.StatusCode != 404))
            {
                ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
            }

            var warned = response.Headers.TryGetValues("Warning", out var warnings)
                && warnings.Any(w => w.Contains($"cluster {cluster} is not ready", StringComparison.Ordinal));
            if (synced && warned == present)
            {
                return clock.Elapsed;
            }

            clock.Elapsed.ShouldBeLessThan(within, present ? $"no Warning named {cluster}" : $"the Warning for {cluster} stayed");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Search_MemberRefusesConnections_WarningWithinTwoSeconds()
    {
        var sim = await StartReadyMemberAsync("refusing");
        try
        {
            // Stopping the simulator closes its port: connections are refused from here on.
            await sim.DisposeAsync();

            var took = await WaitForWarningAsync("refusing", present: true, TimeSpan.FromSeconds(2));

            took.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await server.SendAsync(HttpMethod.Delete, OwnApiServer.PediaClusters + "/refusing");
        }
    }

    [Fact]
    public async Task Search_MemberHangs_WarningWithinTenSecondsThenGoneWhenItAnswers()
    {
        await using var sim = await StartReadyMemberAsync("hanging");
        try
        {
            sim.Faults.Hang();
            var took = await WaitForWarningAsync("hanging", present: true, TimeSpan.FromSeconds(10));
            took.ShouldBeLessThan(TimeSpan.FromSeconds(10));

            sim.Faults.ComeUp();
            await WaitForWarningAsync("hanging", present: false, TimeSpan.FromSeconds(30));
        }
        finally
        {
            sim.Faults.ComeUp();
            await server.SendAsync(HttpMethod.Delete, OwnApiServer.PediaClusters + "/hanging");
        }
    }
}
