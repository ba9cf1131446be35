using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

/// <summary>
/// Workload resolution end to end in the synchro: a simulated member whose Deployments have ReplicaSets and pods,
/// synced into SQLite; pods resolve before their ReplicaSets are synced, stay right when they are, and follow the
/// plugins as they come and go.
/// </summary>
public sealed class WorkloadSyncTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    /// <summary>pod name → Deployment name, from the member's own objects (pod → ReplicaSet → Deployment).</summary>
    private static Dictionary<string, string> MemberDeploymentPods(SimulatedCluster sim)
    {
        static JsonNode? Controller(JsonNode o) => o["metadata"]?["ownerReferences"]?.AsArray().FirstOrDefault(r => (bool?)r?["controller"] == true);
        var replicaSets = sim.Store.List(SimResources.ReplicaSets)
            .Where(rs => (string?)Controller(rs)?["kind"] == "Deployment")
            .ToDictionary(rs => (string)rs["metadata"]!["uid"]!, rs => (string)Controller(rs)!["name"]!);
        return sim.Store.List(SimResources.Pods)
            .Where(p => Controller(p) is { } c && (string?)c["kind"] == "ReplicaSet" && replicaSets.ContainsKey((string)c["uid"]!))
            .ToDictionary(p => (string)p["metadata"]!["namespace"]! + "/" + (string)p["metadata"]!["name"]!, p => replicaSets[(string)Controller(p)!["uid"]!]);
    }

    private static async Task<Dictionary<string, string>> StoredPodWorkloadsAsync(SynchroHarness harness, string cluster)
    {
        var page = await harness.Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Clusters = [cluster] }, CancellationToken.None);
        return page.Items.ToDictionary(p => p.Namespace + "/" + p.Name, p => $"{p.WorkloadKind}/{p.WorkloadName}");
    }

    private static async Task<bool> AllDeploymentPodsAreAsync(SynchroHarness harness, Dictionary<string, string> expected, Func<string, string> workload)
    {
        var stored = await StoredPodWorkloadsAsync(harness, "wl");
        return expected.All(e => stored.TryGetValue(e.Key, out var w) && w == workload(e.Value));
    }

    [Fact]
    public async Task Sync_ReplicaSetsSyncedAfterPods_PodsResolveToDeploymentsBeforeAndAfter()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "wl", Tls = true, Token = "token-wl", Namespaces = 2, DeploymentsPerNamespace = 2, PodsPerDeployment = 2 });
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite);
        var expected = MemberDeploymentPods(sim);
        expected.Count.ShouldBeGreaterThan(0, "the simulator made no Deployment pods");

        await harness.ApplyAsync("wl", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.WaitForConditionAsync("wl", "Ready", "True", _timeout);
        var derived = await StoredPodWorkloadsAsync(harness, "wl");
        await harness.ApplyAsync("wl", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.ReplicaSets]));
        await harness.WaitForObjectCountAsync("wl", "apps", "replicasets", sim.Store.Count(SimResources.ReplicaSets), _timeout);

        foreach (var (pod, deployment) in expected)
        {
            derived[pod].ShouldBe("Deployment/" + deployment, $"pod {pod} before its ReplicaSet was synced");
        }

        await Eventually.UntilAsync(() => AllDeploymentPodsAreAsync(harness, expected, d => "Deployment/" + d), _timeout, "pods still resolve to their Deployments with the ReplicaSets synced");
        var replicaSets = await harness.Storage.ListAsync(new ResourceQuery { Group = "apps", Version = "v1", Resource = "replicasets", Clusters = ["wl"] }, CancellationToken.None);
        replicaSets.Items.ShouldAllBe(rs => rs.WorkloadKind == "Deployment");
    }

    [Fact]
    public async Task Reresolver_PluginLoadedThenRemoved_StoredPodsFollowWithinSeconds()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "wl", Tls = true, Token = "token-wl", Namespaces = 1, DeploymentsPerNamespace = 2, PodsPerDeployment = 2 });
        var plugins = new TestWorkloadPlugins("pod-template-hash");
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, plugins: plugins);
        var expected = MemberDeploymentPods(sim);
        await harness.ApplyAsync("wl", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.ReplicaSets]));
        await harness.WaitForConditionAsync("wl", "Ready", "True", _timeout);
        var reresolver = new WorkloadReresolver(harness.Storage, plugins, TimeProvider.System, NullLogger<WorkloadReresolver>.Instance) { PollInterval = TimeSpan.FromMilliseconds(100) };
        await reresolver.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(() => AllDeploymentPodsAreAsync(harness, expected, d => "Deployment/" + d), _timeout, "pods resolve to their Deployments without plugins");

            plugins.Set(new WorkloadRef("StatefulSet", "from-plugin"));
            await Eventually.UntilAsync(() => AllDeploymentPodsAreAsync(harness, expected, _ => "StatefulSet/from-plugin"), _timeout, "the plugin's answer wins over the built-in rules for stored pods");

            plugins.Set(null);
            await Eventually.UntilAsync(() => AllDeploymentPodsAreAsync(harness, expected, d => "Deployment/" + d), _timeout, "pods resolve to their Deployments again once the plugin is gone");
        }
        finally
        {
            await reresolver.StopAsync(CancellationToken.None);
            reresolver.Dispose();
        }
    }

    [Fact]
    public async Task Reresolver_RestartUnderTheRecordedRules_SkipsThePassAndRunsItOtherwise()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "wl", Tls = true, Token = "token-wl", Namespaces = 1, DeploymentsPerNamespace = 2, PodsPerDeployment = 2 });
        var plugins = new NoWorkloadPlugins();
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, plugins: plugins);
        var expected = MemberDeploymentPods(sim);
        await harness.ApplyAsync("wl", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.ReplicaSets]));
        await harness.WaitForConditionAsync("wl", "Ready", "True", _timeout);
        await Eventually.UntilAsync(() => AllDeploymentPodsAreAsync(harness, expected, d => "Deployment/" + d), _timeout, "pods resolve to their Deployments");

        // A first start has no record: it runs the pass and records what it resolved under.
        (await WorkloadReresolver.StoredFingerprintAsync(harness.Database, CancellationToken.None)).ShouldBeNull();
        await RunUntilResolvedAsync(harness, plugins);
        (await WorkloadReresolver.StoredFingerprintAsync(harness.Database, CancellationToken.None)).ShouldBe(WorkloadReresolver.Fingerprint(plugins));

        // One stored pod made wrong behind the reresolver's back: a restart under the recorded rules leaves it (no pass).
        var pod = (await harness.Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Clusters = ["wl"], Limit = 1 }, CancellationToken.None)).Items[0];
        await harness.Storage.UpdateWorkloadsAsync([new WorkloadUpdate(pod.Key, pod.Uid, null, pod.ResourceVersion, new WorkloadColumns("Pod", "made-wrong"))], CancellationToken.None);
        await RunUntilResolvedAsync(harness, plugins);
        (await StoredPodWorkloadsAsync(harness, "wl"))[pod.Namespace + "/" + pod.Name].ShouldBe("Pod/made-wrong", "a restart under the recorded rules read every stored row again");

        // Without the record (another version's rules, or a pass cut short), the restart runs the pass and mends the row.
        (await harness.Database.DeleteAsync(WorkloadReresolver.MarkResource, WorkloadReresolver.MarkName, CancellationToken.None)).ShouldBeTrue();
        await RunUntilResolvedAsync(harness, plugins);
        (await StoredPodWorkloadsAsync(harness, "wl"))[pod.Namespace + "/" + pod.Name].ShouldBe("Deployment/" + expected[pod.Namespace + "/" + pod.Name]);
        (await WorkloadReresolver.StoredFingerprintAsync(harness.Database, CancellationToken.None)).ShouldBe(WorkloadReresolver.Fingerprint(plugins));
    }

    private static async Task RunUntilResolvedAsync(SynchroHarness harness, NoWorkloadPlugins plugins)
    {
        var reresolver = new WorkloadReresolver(harness.Storage, plugins, TimeProvider.System, NullLogger<WorkloadReresolver>.Instance, harness.Database)
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        await reresolver.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(reresolver.ResolvedGeneration == plugins.Generation), _timeout, "the reresolver never finished its start");
        }
        finally
        {
            await reresolver.StopAsync(CancellationToken.None);
            reresolver.Dispose();
        }
    }
}
