using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

/// <summary>
/// A stored PediaCluster with metadata of the wrong types (issue 20: <c>finalizers: [1]</c>, once deleted, made every
/// reconcile pass fail) never stops the reconcile of the others.
/// </summary>
[Collection(SynchroCollection.Name)]
public sealed class MalformedPediaClusterTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reconcile_MalformedObjectsStored_GoodClusterCreatedUpdatedAndDeleted()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "good", Token = "t", Namespaces = 1 });
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite);

        // Written straight into the store, as an older server or a direct database edit could have left them.
        await harness.Objects.CreateAsync(PediaClusterResource.StorageKey, "bad-finalizers", Encoding.UTF8.GetBytes(
            """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"bad-finalizers","finalizers":[1],"deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{}}"""),
            CancellationToken.None);
        await harness.Objects.CreateAsync(PediaClusterResource.StorageKey, "bad-metadata", Encoding.UTF8.GetBytes(
            """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":7,"labels":{"a":1}},"spec":{"apiserver":5,"syncResources":[{"group":1,"resources":[2]}]}}"""),
            CancellationToken.None);
        await harness.Objects.CreateAsync(PediaClusterResource.StorageKey, "bad-shape", Encoding.UTF8.GetBytes(
            """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":["not","an","object"],"spec":[]}"""),
            CancellationToken.None);

        // Created.
        await harness.ApplyAsync("good", SynchroHarness.SpecFor(sim, [SimResources.Namespaces]));
        await harness.WaitForConditionAsync("good", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("good", sim, [SimResources.Namespaces], _timeout);

        // Updated.
        await harness.ApplyAsync("good", SynchroHarness.SpecFor(sim, [SimResources.Namespaces, SimResources.ConfigMaps]));
        await harness.WaitConsistentAsync("good", sim, [SimResources.Namespaces, SimResources.ConfigMaps], _timeout);

        // Deleted: its rows go.
        await harness.DeleteAsync("good");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("good", SimResources.Namespaces)).Count == 0
                && (await harness.StoredObjectsAsync("good", SimResources.ConfigMaps)).Count == 0,
            _timeout, () => Task.FromResult("the deleted cluster's rows are still stored"));
        harness.Catalog.Find("good", "", "v1", "namespaces").ShouldBeNull();

        // The deleted malformed one waits for its finalizer (a number, so not ours to remove), as any foreign one would.
        var stillThere = await harness.Objects.GetAsync(PediaClusterResource.StorageKey, "bad-finalizers", CancellationToken.None);
        stillThere.ShouldNotBeNull();
    }
}
