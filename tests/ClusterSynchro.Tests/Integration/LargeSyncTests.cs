using System.Diagnostics;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.KubeSim;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>
/// Three simulated clusters of a given size synced in full, the stored set equal to the members' (uids and
/// resourceVersions); then churn on all three, and equal again within the engine's catch-up budget after it stops.
/// </summary>
public abstract class LargeSyncTests(StorageEngineKind engine, int namespaces, TimeSpan catchUpBudget, ITestOutputHelper output)
{
    private const int _churnPerSecond = 200;
    private static readonly TimeSpan _churnDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThreeClusters_FullSyncThenChurn_StoredSetEqualsMembers()
    {
        var clock = Stopwatch.StartNew();
        var sims = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = $"big-{i}",
            Seed = i,
            Tls = true,
            Token = $"token-{i}",
            Namespaces = namespaces,
            DeploymentsPerNamespace = 25,
            PodsPerDeployment = 16,
        })));
        try
        {
            var perCluster = SimResources.All.Sum(r => sims[0].Store.Count(r));
            output.WriteLine($"{engine}: 3 simulators of {perCluster} objects each generated in {clock.Elapsed.TotalSeconds:0.0} s");
            await using var harness = await SynchroHarness.StartAsync(engine);
            using var restarts = new WatchRestartCounter();
            clock.Restart();
            for (var i = 0; i < sims.Length; i++)
            {
                await harness.ApplyAsync($"big-{i + 1}", SynchroHarness.SpecFor(sims[i], SimResources.All));
            }

            for (var i = 0; i < sims.Length; i++)
            {
                await harness.WaitForConditionAsync($"big-{i + 1}", "Ready", "True", TimeSpan.FromSeconds(120));
            }

            var synced = clock.Elapsed;
            for (var i = 0; i < sims.Length; i++)
            {
                await harness.WaitConsistentAsync($"big-{i + 1}", sims[i], SimResources.All, TimeSpan.FromSeconds(10));
            }

            output.WriteLine($"{engine}: initial sync of {3 * perCluster} objects: all Ready in {synced.TotalSeconds:0.0} s ({3 * perCluster / synced.TotalSeconds:0} objects/s), verified in {clock.Elapsed.TotalSeconds:0.0} s");
            await harness.WaitForObjectCountAsync("big-1", "", "pods", sims[0].Store.Count(SimResources.Pods), TimeSpan.FromSeconds(10));

            clock.Restart();
            var changes = await Task.WhenAll(sims.Select((sim, i) => Task.Run(() => new Churn(sim, i).RunAsync(_churnPerSecond, _churnDuration))));
            output.WriteLine($"{engine}: churn: {changes.Sum()} changes over 3 clusters in {clock.Elapsed.TotalSeconds:0.0} s");

            // The members no longer change: snapshot them once (its cost is the test's, not the synchro's, and is taken
            // out of the budget), then poll only the storage.
            clock.Restart();
            var snapshots = sims.Select(sim => SimResources.All.ToDictionary(r => r, r => SynchroHarness.SimObjects(sim, r))).ToList();
            var snapshotTook = clock.Elapsed;
            var consistent = false;
            IReadOnlyList<string> differences = [];
            while (!consistent && clock.Elapsed - snapshotTook < catchUpBudget)
            {
                differences = [.. (await Task.WhenAll(snapshots.Select((s, i) => harness.DifferencesAsync($"big-{i + 1}", s)))).SelectMany(d => d)];
                consistent = differences.Count == 0;
            }

            output.WriteLine($"{engine}: relists: {restarts.For("big-1") + restarts.For("big-2") + restarts.For("big-3")} after 410, {restarts.Errors} after errors; {differences.Count} differences left at {clock.Elapsed.TotalSeconds:0.00} s");
            consistent.ShouldBeTrue($"not consistent {catchUpBudget.TotalSeconds} s after the churn stopped: {string.Join("; ", differences.Take(10))}");
            output.WriteLine($"{engine}: consistent again {clock.Elapsed.TotalSeconds:0.00} s after the churn stopped, of which {snapshotTook.TotalSeconds:0.00} s snapshotting the members; the comparison included");

            // Nothing moved in the members meanwhile (e.g. their workload controller).
            for (var i = 0; i < sims.Length; i++)
            {
                (await harness.DifferencesAsync($"big-{i + 1}", sims[i], SimResources.All)).ShouldBeEmpty();
            }
            for (var i = 0; i < sims.Length; i++)
            {
                await harness.WaitForObjectCountAsync($"big-{i + 1}", "", "pods", sims[i].Store.Count(SimResources.Pods), TimeSpan.FromSeconds(5));
                await harness.WaitForObjectCountAsync($"big-{i + 1}", "", "configmaps", sims[i].Store.Count(SimResources.ConfigMaps), TimeSpan.FromSeconds(5));
            }
        }
        finally
        {
            foreach (var sim in sims)
            {
                await sim.DisposeAsync();
            }
        }
    }
}
