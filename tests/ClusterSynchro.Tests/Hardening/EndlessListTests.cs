using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.KubeSim;
using Clusterpedia.KubeSim.Faults;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

/// <summary>A member that pages forever is reported as such (issue 20), not left Pending; it recovers when it stops.</summary>
[Collection(SynchroCollection.Name)]
public sealed class EndlessListTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(EndlessContinueMode.Repeat, "answered continue token")]
    [InlineData(EndlessContinueMode.New, "pages in a row brought no object not already listed")]
    public async Task List_ContinueTokensNeverEnd_ResourceErrorEndlessList_ThenRecovers(EndlessContinueMode mode, string message)
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "endless", Token = "t", Namespaces = 2 });
        sim.Faults.SetEndlessContinue(mode, "/api/v1/pods");
        var options = SynchroHarness.FastOptions();
        options.PageSize = 2;
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, options);
        await harness.ApplyAsync("endless", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Namespaces]));

        await Eventually.UntilAsync(
            async () => (await harness.ResourceConditionAsync("endless", "", "pods")) is { } c && (string?)c["status"] == "Error" && (string?)c["reason"] == "EndlessList",
            _timeout, async () => $"pods: {(await harness.ResourceConditionAsync("endless", "", "pods"))?.ToJsonString()}");
        ((string)(await harness.ResourceConditionAsync("endless", "", "pods"))!["message"]!).ShouldContain(message);
        var ready = (await harness.ConditionAsync("endless", "Ready"))!.Value;
        ready.Status.ShouldBe("False");
        ready.Reason.ShouldBe("SyncError");

        // The other resource is not held up, and the pods recover once the member pages normally again.
        await harness.WaitConsistentAsync("endless", sim, [SimResources.Namespaces], _timeout);
        sim.Faults.Reset();
        await harness.WaitForConditionAsync("endless", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("endless", sim, [SimResources.Pods], _timeout);
    }
}
