using System.Diagnostics;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.KubeSim;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

/// <summary>
/// How fast an outage shows (issue 20), with the default options: a member that refuses connections is unhealthy
/// within 2 s, a hung one (connections accepted, nothing answered) within 10 s, and from then on the cluster is among
/// <see cref="ClusterSynchroManager.NotReadyClusters"/>, which is what the API server's Warning header is made from.
/// </summary>
[Collection(SynchroCollection.Name)]
public sealed class HealthDetectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan _readyTimeout = TimeSpan.FromSeconds(60);

    private static SimulatorOptions SimOptions(string name, int port = 0) =>
        new() { ClusterName = name, Token = "token-" + name, Namespaces = 1, Port = port };

    private static async Task<TimeSpan> TimeUntilNotReadyAsync(SynchroHarness harness, string name, Stopwatch since, TimeSpan timeout)
    {
        await Eventually.UntilAsync(
            () => Task.FromResult(harness.Manager.NotReadyClusters().Contains(name)), timeout,
            async () => $"{name} still counts as ready: {(await harness.StatusAsync(name))?.ToJsonString()}");
        return since.Elapsed;
    }

    [Fact]
    public async Task RefusedConnection_UnhealthyWithinTwoSeconds_ThenRecovers()
    {
        var sim = await SimulatedCluster.StartAsync(SimOptions("refused"));
        var port = sim.Url.Port;
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, new SynchroOptions { AllowLoopbackTargets = true });
        await harness.ApplyAsync("refused", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Namespaces]));
        await harness.WaitForConditionAsync("refused", "Ready", "True", _readyTimeout);

        // The member process goes away: its watches end and, once it has stopped, its port refuses connections. The
        // bound counts from then (stopping the simulator's server can itself take a while on a loaded machine).
        await sim.DisposeAsync();
        var clock = Stopwatch.StartNew();
        var unhealthyAfter = await TimeUntilNotReadyAsync(harness, "refused", clock, TimeSpan.FromSeconds(10));
        await harness.WaitForConditionAsync("refused", "ClusterHealthy", "False", TimeSpan.FromSeconds(10));
        var statusAfter = clock.Elapsed;
        (await harness.ConditionAsync("refused", "ClusterHealthy"))!.Value.Message.ShouldContain("refused", Case.Insensitive);
        output.WriteLine($"refused: not ready after {unhealthyAfter.TotalMilliseconds:0} ms, ClusterHealthy=False in status after {statusAfter.TotalMilliseconds:0} ms");
        unhealthyAfter.ShouldBeLessThan(TimeSpan.FromSeconds(2));

        // It comes back on the same address.
        var back = Stopwatch.StartNew();
        await using var again = await SimulatedCluster.StartAsync(SimOptions("refused", port));
        await harness.WaitForConditionAsync("refused", "Ready", "True", _readyTimeout);
        output.WriteLine($"refused: Ready again {back.ElapsedMilliseconds} ms after the member came back");
        harness.Manager.NotReadyClusters().ShouldNotContain("refused");
    }

    [Fact]
    public async Task HungMember_UnhealthyWithinTenSeconds_ThenRecovers()
    {
        await using var sim = await SimulatedCluster.StartAsync(SimOptions("hung"));
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, new SynchroOptions { AllowLoopbackTargets = true });
        await harness.ApplyAsync("hung", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Namespaces]));
        await harness.WaitForConditionAsync("hung", "Ready", "True", _readyTimeout);

        var clock = Stopwatch.StartNew();
        sim.Faults.Hang();
        var unhealthyAfter = await TimeUntilNotReadyAsync(harness, "hung", clock, TimeSpan.FromSeconds(30));
        await harness.WaitForConditionAsync("hung", "ClusterHealthy", "False", TimeSpan.FromSeconds(10));
        output.WriteLine($"hung: not ready after {unhealthyAfter.TotalMilliseconds:0} ms, ClusterHealthy=False in status after {clock.ElapsedMilliseconds} ms");
        unhealthyAfter.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        (await harness.ConditionAsync("hung", "ClusterHealthy"))!.Value.Message.ShouldContain("timed out");

        var back = Stopwatch.StartNew();
        sim.Faults.ComeUp();
        await harness.WaitForConditionAsync("hung", "Ready", "True", _readyTimeout);
        output.WriteLine($"hung: Ready again {back.ElapsedMilliseconds} ms after the member answered again");
        harness.Manager.NotReadyClusters().ShouldNotContain("hung");
        await harness.WaitConsistentAsync("hung", sim, [SimResources.Pods, SimResources.Namespaces], _readyTimeout);
    }

    [Fact]
    public async Task HungMember_WhileResourcesResolve_StillUnhealthyWithinTenSeconds()
    {
        await using var sim = await SimulatedCluster.StartAsync(SimOptions("hung-resolve"));
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, new SynchroOptions { AllowLoopbackTargets = true });
        await harness.ApplyAsync("hung-resolve", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Namespaces]));
        await harness.WaitForConditionAsync("hung-resolve", "Ready", "True", _readyTimeout);

        // The member hangs just as a spec change makes the synchro resolve its resources again: that resolve's
        // discovery calls wait out their timeouts and retries (minutes), and must not hold up the health probes.
        var clock = Stopwatch.StartNew();
        sim.Faults.Hang();
        await harness.ApplyAsync("hung-resolve", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Namespaces, SimResources.ConfigMaps]));
        var unhealthyAfter = await TimeUntilNotReadyAsync(harness, "hung-resolve", clock, TimeSpan.FromSeconds(30));
        output.WriteLine($"hung during a resolve: not ready after {unhealthyAfter.TotalMilliseconds:0} ms");
        unhealthyAfter.ShouldBeLessThan(TimeSpan.FromSeconds(10));

        sim.Faults.ComeUp();
        await harness.WaitForConditionAsync("hung-resolve", "Ready", "True", _readyTimeout);
        await harness.WaitConsistentAsync("hung-resolve", sim, [SimResources.Pods, SimResources.Namespaces, SimResources.ConfigMaps], _readyTimeout);
    }
}
