using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;
using Clusterpedia.KubeSim;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

/// <summary>
/// Broken objects from a member (issue 20): one bad item never blocks the others, deep nesting a real apiserver
/// serves is stored, invalid text is repaired so nothing stored breaks a response.
/// </summary>
public abstract class CorruptMemberDataTests(StorageEngineKind engine)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    private static Task<SimulatedCluster> StartSimAsync(string name) => SimulatedCluster.StartAsync(new SimulatorOptions
    {
        ClusterName = name,
        Token = "token-" + name,
        Namespaces = 2,
        DeploymentsPerNamespace = 2,
        PodsPerDeployment = 2,
    });

    private static Task WaitForReasonAsync(SynchroHarness harness, string cluster, string resource, string reason, string messagePart) =>
        Eventually.UntilAsync(
            async () => (await harness.ResourceConditionAsync(cluster, "", resource)) is { } c
                && (string?)c["reason"] == reason && ((string?)c["message"])?.Contains(messagePart, StringComparison.Ordinal) == true,
            _timeout, async () => $"condition of {resource}: {(await harness.ResourceConditionAsync(cluster, "", resource))?.ToJsonString()}");

    private static async Task<StoredResource?> StoredAsync(SynchroHarness harness, string cluster, GroupVersionResource gvr, string ns, string name)
    {
        var page = await harness.Storage.ListAsync(
            new ResourceQuery { Group = gvr.Group, Version = gvr.Version, Resource = gvr.Resource, Clusters = [cluster], Namespaces = [ns], Names = [name] },
            CancellationToken.None);
        return page.Items.SingleOrDefault();
    }

    [Fact]
    public async Task ListPage_BadItemsAndDeepNesting_GoodItemsStoredDeepStoredBadSkippedAndReported()
    {
        await using var sim = await StartSimAsync("badlist");
        sim.Faults.SetCorruptListItems("/api/v1/pods",
            CorruptItem.DeepNesting(200), CorruptItem.NumericName(), CorruptItem.NumericResourceVersion(), CorruptItem.NonObject(), CorruptItem.Null());
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("badlist", SynchroHarness.SpecFor(sim, [SimResources.Pods]));

        await harness.WaitForConditionAsync("badlist", "Ready", "True", _timeout);
        var expected = SynchroHarness.SimObjects(sim, SimResources.Pods).Keys.Append("default/corrupt-deep").Order(StringComparer.Ordinal).ToList();
        (await harness.StoredObjectsAsync("badlist", SimResources.Pods)).Keys.Order(StringComparer.Ordinal).ShouldBe(expected);

        await WaitForReasonAsync(harness, "badlist", "pods", "InvalidObjects", "4 invalid objects skipped");
        var condition = (await harness.ResourceConditionAsync("badlist", "", "pods"))!;
        ((string?)condition["status"]).ShouldBe("Syncing");
        var message = (string)condition["message"]!;
        message.ShouldContain("metadata.name is a number, not a string");
        message.ShouldContain("default/corrupt-numeric-rv: metadata.resourceVersion is a number, not a string");
        message.ShouldContain("the item is a string, not an object");
        (await harness.ResourceConditionAsync("badlist", "", "pods"))!["objectCount"]!.GetValue<long>().ShouldBe(expected.Count);

        // The 200 levels are stored whole.
        var deep = (await StoredAsync(harness, "badlist", SimResources.Pods, "default", "corrupt-deep"))!;
        using var doc = JsonDocument.Parse(deep.Object, new JsonDocumentOptions { MaxDepth = 1000 });
        var level = doc.RootElement.GetProperty("spec");
        var depth = 0;
        while (level.ValueKind == JsonValueKind.Object)
        {
            level = level.GetProperty("a");
            depth++;
        }

        depth.ShouldBe(200);
        level.GetString().ShouldBe("bottom");
    }

    [Fact]
    public async Task WatchEvents_BadObjects_SkippedReportedAndLaterEventsStillStored()
    {
        await using var sim = await StartSimAsync("badwatch");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("badwatch", SynchroHarness.SpecFor(sim, [SimResources.ConfigMaps]));
        await harness.WaitForConditionAsync("badwatch", "Ready", "True", _timeout);

        sim.Faults.SetCorruptWatchEvents("/api/v1/configmaps", CorruptItem.Null(), CorruptItem.NumericName(), CorruptItem.DeepNesting(300));
        sim.Faults.DropWatches();
        await WaitForReasonAsync(harness, "badwatch", "configmaps", "InvalidObjects", "2 invalid objects skipped");

        // The watch goes on: an object created afterwards arrives, and so did the deep one.
        sim.Store.Create(SimResources.ConfigMaps, "default", """{"metadata":{"name":"after-bad-events"},"data":{"k":"v"}}""");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("badwatch", SimResources.ConfigMaps)).ContainsKey("default/after-bad-events"),
            _timeout, () => Task.FromResult("the configmap created after the bad events was not stored"));
        (await harness.StoredObjectsAsync("badwatch", SimResources.ConfigMaps)).ShouldContainKey("default/corrupt-deep");
        ((string?)(await harness.ResourceConditionAsync("badwatch", "", "configmaps"))!["status"]).ShouldBe("Syncing");
    }

    [Fact]
    public async Task InvalidUtf8AndLoneSurrogate_RepairedWithReplacementCharacter_StoredBytesValidForEveryResponse()
    {
        await using var sim = await StartSimAsync("badtext");
        sim.Faults.SetCorruptListItems("/api/v1/configmaps", CorruptItem.InvalidUtf8(), CorruptItem.LoneSurrogate());
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("badtext", SynchroHarness.SpecFor(sim, [SimResources.ConfigMaps]));
        await harness.WaitForConditionAsync("badtext", "Ready", "True", _timeout);
        await WaitForReasonAsync(harness, "badtext", "configmaps", "RepairedObjects", "2 objects with invalid UTF-8 or lone surrogates");

        var invalid = (await StoredAsync(harness, "badtext", SimResources.ConfigMaps, "default", "corrupt-invalid-utf8"))!;
        var surrogate = (await StoredAsync(harness, "badtext", SimResources.ConfigMaps, "default", "corrupt-lone-surrogate"))!;
        Label(invalid).ShouldBe("bad\uFFFDx\uFFFD");
        Label(surrogate).ShouldBe("bad\uFFFDx");

        // An all-cluster list through the storage is valid UTF-8 JSON item by item, and a Table row prints with the
        // object embedded, which re-encodes every string (what failed with 500 before).
        var all = await harness.Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "configmaps" }, CancellationToken.None);
        all.Items.Count.ShouldBeGreaterThan(2);
        var printer = TablePrinters.ForBuiltIn("", "configmaps") ?? TablePrinters.Default;
        foreach (var item in all.Items)
        {
            Utf8.IsValid(item.Object.Span).ShouldBeTrue($"{item.Namespace}/{item.Name} is not valid UTF-8");
            using var doc = JsonDocument.Parse(item.Object);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                printer.WriteCells(writer, doc.RootElement, DateTimeOffset.UtcNow);
                doc.RootElement.WriteTo(writer);
                writer.WriteEndArray();
            }

            Utf8.IsValid(buffer.WrittenSpan).ShouldBeTrue();
        }
    }

    private static string Label(StoredResource stored)
    {
        using var doc = JsonDocument.Parse(stored.Object);
        return doc.RootElement.GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString()!;
    }
}
