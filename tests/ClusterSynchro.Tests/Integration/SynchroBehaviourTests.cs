using System.Diagnostics;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>
/// The synchro against simulated member clusters over HTTPS with a token, on a real storage engine: resume without
/// rewrites, 410 and restarted lists, spec changes, bad credentials, outages, exclusions, kubeconfig, deletion.
/// </summary>
public abstract class SynchroBehaviourTests(StorageEngineKind engine)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _outage = TimeSpan.FromSeconds(30);
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly GroupVersionResource _gadgets = new("example.com", "v1", "gadgets");

    private const string _gadgetCrd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
           "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
           "versions":[{"name":"v1","served":true,"storage":true,
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;
    private static readonly GroupVersionResource[] _podsAndDeployments = [SimResources.Pods, SimResources.Deployments];

    private static Task<SimulatedCluster> StartSimAsync(string name, int namespaces = 3) => SimulatedCluster.StartAsync(new SimulatorOptions
    {
        ClusterName = name,
        Tls = true,
        Token = "token-" + name,
        Namespaces = namespaces,
        DeploymentsPerNamespace = 3,
        PodsPerDeployment = 3,
    });

    [Fact]
    public async Task Restart_UnchangedData_WritesNoRowsAndOnlyWhatChanged()
    {
        await using var sim = await StartSimAsync("resume");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("resume", SynchroHarness.SpecFor(sim, SimResources.All));
        await harness.WaitForConditionAsync("resume", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("resume", sim, SimResources.All, _timeout);

        await harness.StopSynchroAsync();
        var deleted = harness.Storage.Deleted;
        var stored = await StoredVersionsAsync(harness, "resume");
        var written = new List<(string Key, string ResourceVersion)>();
        harness.Storage.AfterUpsert = records =>
        {
            lock (written)
            {
                written.AddRange(records.Select(r => ((r.Group.Length == 0 ? r.Resource : r.Resource + "." + r.Group) + " " + r.Namespace + "/" + r.Name, r.ResourceVersion)));
            }
        };
        await harness.StartSynchroAsync();
        await harness.WaitForConditionAsync("resume", "Ready", "True", _timeout);

        // A rewrite would happen in each resource's list after the restart. One object per resource is touched now;
        // its update comes through that resource's watch, which starts only after the list, so once every touched
        // object is stored every list is over. Every row written since the restart must then carry a resourceVersion
        // other than the one stored before it (the touched objects, and whatever the member's controllers changed).
        var touched = new List<string>();
        foreach (var r in SimResources.All)
        {
            var metadata = sim.Store.List(r)[0]["metadata"]!;
            sim.Store.Update(r, (string?)metadata["namespace"], (string)metadata["name"]!, o =>
            {
                (o["metadata"]!["labels"] ??= new JsonObject())["marker"] = "after-restart";
                return o;
            });
            touched.Add(r.GroupResource + " " + ((string?)metadata["namespace"] ?? "") + "/" + (string)metadata["name"]!);
        }

        await harness.WaitConsistentAsync("resume", sim, SimResources.All, _timeout);
        await Eventually.UntilAsync(
            () =>
            {
                lock (written)
                {
                    return Task.FromResult(touched.All(t => written.Any(w => w.Key == t)));
                }
            },
            _timeout, () => Task.FromResult("the touched objects were stored without passing through the counting storage"));
        harness.Storage.AfterUpsert = null;
        List<(string Key, string ResourceVersion)> rewrites;
        lock (written)
        {
            rewrites = [.. written.Where(w => stored.TryGetValue(w.Key, out var before) && before.Item2 == w.ResourceVersion)];
        }

        rewrites.ShouldBeEmpty("a restart over unchanged data must not rewrite rows");
        harness.Storage.Deleted.ShouldBe(deleted);

        // While stopped: two pods change, one disappears (and the member's controllers react). After the restart exactly
        // the objects whose resourceVersion moved are written and exactly the vanished ones deleted.
        await harness.StopSynchroAsync();
        var upserted = harness.Storage.Upserted;
        deleted = harness.Storage.Deleted;
        var before = await StoredVersionsAsync(harness, "resume");

        var pods = sim.Store.List(SimResources.Pods).Select(p => ((string)p["metadata"]!["namespace"]!, (string)p["metadata"]!["name"]!)).ToList();
        foreach (var (ns, name) in pods.Take(2))
        {
            sim.Store.Update(SimResources.Pods, ns, name, p => { p["metadata"]!["labels"]!["touched"] = "yes"; return p; });
        }

        sim.Store.Delete(SimResources.Pods, pods[5].Item1, pods[5].Item2);
        await Task.Delay(500);
        await harness.StartSynchroAsync();
        await harness.WaitConsistentAsync("resume", sim, SimResources.All, _timeout);
        var after = SimResources.All.SelectMany(r => SynchroHarness.SimObjects(sim, r).Select(kv => (Key: r.GroupResource + " " + kv.Key, kv.Value))).ToList();
        var changed = after.Count(a => !before.TryGetValue(a.Key, out var b) || b != a.Value);
        var vanished = before.Keys.Except(after.Select(a => a.Key)).Count();
        changed.ShouldBeGreaterThanOrEqualTo(2);
        harness.Storage.Upserted.ShouldBe(upserted + changed);
        harness.Storage.Deleted.ShouldBe(deleted + vanished);
    }

    private static async Task<Dictionary<string, (string, string)>> StoredVersionsAsync(SynchroHarness harness, string cluster)
    {
        var stored = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var r in SimResources.All)
        {
            foreach (var (key, value) in await harness.StoredObjectsAsync(cluster, r))
            {
                stored[r.GroupResource + " " + key] = value;
            }
        }

        return stored;
    }

    [Fact]
    public async Task ForcedExpiry_RelistsAndAppliesDeletions()
    {
        await using var sim = await StartSimAsync("expiry");
        await using var harness = await SynchroHarness.StartAsync(engine);
        using var restarts = new WatchRestartCounter();
        await harness.ApplyAsync("expiry", SynchroHarness.SpecFor(sim, _podsAndDeployments));
        await harness.WaitForConditionAsync("expiry", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("expiry", sim, _podsAndDeployments, _timeout);

        // Watches end (slowly answered meanwhile, so the synchro cannot watch again at once), the member changes and
        // forgets its history: the synchro's next watch gets 410 and only a relist finds the changes.
        var pods = sim.Store.List(SimResources.Pods).Take(4).Select(p => ((string)p["metadata"]!["namespace"]!, (string)p["metadata"]!["name"]!)).ToList();
        sim.Faults.SetLatency(TimeSpan.FromMilliseconds(500));
        sim.Store.DropWatches();
        foreach (var (ns, name) in pods)
        {
            sim.Store.Delete(SimResources.Pods, ns, name);
        }

        var deployment = sim.Store.List(SimResources.Deployments)[0]["metadata"]!;
        sim.Store.Update(SimResources.Deployments, (string)deployment["namespace"]!, (string)deployment["name"]!, d => { d["spec"]!["replicas"] = 7; return d; });
        sim.Store.Compact();
        sim.Faults.SetLatency(TimeSpan.Zero);

        await harness.WaitConsistentAsync("expiry", sim, _podsAndDeployments, _timeout);
        var stored = await harness.StoredObjectsAsync("expiry", SimResources.Pods);
        foreach (var (ns, name) in pods)
        {
            stored.ShouldNotContainKey(ns + "/" + name);
        }

        restarts.For("expiry").ShouldBeGreaterThan(0, "the expired watch must have relisted");
        await harness.WaitForObjectCountAsync("expiry", "", "pods", sim.Store.Count(SimResources.Pods), _timeout);
    }

    [Fact]
    public async Task ExpiredContinueToken_RestartedList_DeletesWhatVanishedMeanwhile()
    {
        await using var sim = await StartSimAsync("restart", namespaces: 6);
        var options = SynchroHarness.FastOptions();
        options.PageSize = 10;
        await using var harness = await SynchroHarness.StartAsync(engine, options);

        // After the first page is written: delete a pod that page held and forget history, so the continue token expires.
        var fired = 0;
        string? victim = null;
        harness.Storage.AfterUpsert = records =>
        {
            if (records[0].Resource == "pods" && Interlocked.Exchange(ref fired, 1) == 0)
            {
                var r = records[^1];
                victim = r.Namespace + "/" + r.Name;
                sim.Store.Delete(SimResources.Pods, r.Namespace, r.Name);
                sim.Store.Compact();
            }
        };
        await harness.ApplyAsync("restart", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.WaitForConditionAsync("restart", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("restart", sim, [SimResources.Pods], _timeout);
        victim.ShouldNotBeNull();
        (await harness.StoredObjectsAsync("restart", SimResources.Pods)).ShouldNotContainKey(victim);
        await harness.WaitForObjectCountAsync("restart", "", "pods", sim.Store.Count(SimResources.Pods), _timeout);
    }

    [Fact]
    public async Task SpecChange_AddAndRemoveResource_OnlyThatResourceStartsOrStops()
    {
        await using var sim = await StartSimAsync("respec");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("respec", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.WaitForConditionAsync("respec", "Ready", "True", _timeout);
        var podLists = harness.Storage.VersionReads(SimResources.Pods);

        await harness.ApplyAsync("respec", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.ConfigMaps]));
        await harness.WaitConsistentAsync("respec", sim, [SimResources.Pods, SimResources.ConfigMaps], _timeout);
        harness.Catalog.Find("respec", "", "v1", "configmaps").ShouldNotBeNull();
        harness.Storage.VersionReads(SimResources.Pods).ShouldBe(podLists, "adding a resource must not restart the others");

        await harness.ApplyAsync("respec", SynchroHarness.SpecFor(sim, [SimResources.ConfigMaps]));
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("respec", SimResources.Pods)).Count == 0 && harness.Catalog.Find("respec", "", "v1", "pods") is null,
            _timeout, () => Task.FromResult("pods are still stored or published"));
        await harness.WaitConsistentAsync("respec", sim, [SimResources.ConfigMaps], _timeout);
        await Eventually.UntilAsync(async () => await harness.ResourceConditionAsync("respec", "", "pods") is null, _timeout,
            async () => "pods still in status: " + (await harness.StatusAsync("respec"))!.ToJsonString());
        harness.Storage.VersionReads(SimResources.ConfigMaps).ShouldBe(1, "removing a resource must not restart the others");
    }

    [Fact]
    public async Task ResourceRemovedWhileStopped_ItsRowsAreDeletedOnStart()
    {
        await using var sim = await StartSimAsync("offline-respec");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("offline-respec", SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.ConfigMaps]));
        await harness.WaitConsistentAsync("offline-respec", sim, [SimResources.Pods, SimResources.ConfigMaps], _timeout);
        (await harness.StoredObjectsAsync("offline-respec", SimResources.ConfigMaps)).ShouldNotBeEmpty();

        // The spec loses configmaps while no synchro runs (a server restart with an edited spec).
        await harness.StopSynchroAsync();
        await harness.ApplyAsync("offline-respec", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.StartSynchroAsync();

        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("offline-respec", SimResources.ConfigMaps)).Count == 0,
            _timeout, () => Task.FromResult("configmaps of the cluster are still stored"));
        await harness.WaitForConditionAsync("offline-respec", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("offline-respec", sim, [SimResources.Pods], _timeout);
    }

    [Fact]
    public async Task CrdCreatedLater_SyncAllCustomResources_StartsSyncingWithoutRestart_AndStopsWhenItGoes()
    {
        var options = SynchroHarness.FastOptions();
        options.AllowSyncAllCustomResources = true;
        await using var sim = await StartSimAsync("crd-later", namespaces: 1);
        await using var harness = await SynchroHarness.StartAsync(engine, options);
        var spec = SynchroHarness.SpecFor(sim, [SimResources.Pods]);
        spec["syncAllCustomResources"] = true;
        await harness.ApplyAsync("crd-later", spec);
        await harness.WaitForConditionAsync("crd-later", "Ready", "True", _timeout);
        var podLists = harness.Storage.VersionReads(SimResources.Pods);

        // The member gains a CRD (and objects of it) after the PediaCluster started syncing.
        sim.Store.Create(_crds, null, _gadgetCrd);
        foreach (var name in new[] { "alpha", "beta" })
        {
            sim.Store.Create(_gadgets, "default", Gadget(name));
        }

        await harness.WaitConsistentAsync("crd-later", sim, [_gadgets], _timeout);
        (await harness.StoredObjectsAsync("crd-later", _gadgets)).Count.ShouldBe(2);
        harness.Catalog.Find("crd-later", "example.com", "v1", "gadgets").ShouldNotBeNull();
        harness.Storage.VersionReads(SimResources.Pods).ShouldBe(podLists, "a new CRD must not restart the other resources");

        // Objects created later arrive through the watch.
        sim.Store.Create(_gadgets, "default", Gadget("gamma"));
        await harness.WaitConsistentAsync("crd-later", sim, [_gadgets], _timeout);

        // The CRD goes: its rows go too, without a restart.
        sim.Store.Delete(_crds, null, "gadgets.example.com");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("crd-later", _gadgets)).Count == 0 && harness.Catalog.Find("crd-later", "example.com", "v1", "gadgets") is null,
            _timeout, () => Task.FromResult("gadgets are still stored or published"));
        await harness.WaitConsistentAsync("crd-later", sim, [SimResources.Pods], _timeout);
    }

    private static string Gadget(string name) =>
        $$$"""{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"size":1}}""";

    [Fact]
    public async Task WrongToken_ValidatedFalseNamingTheProblem_ThenFixedToken_Ready()
    {
        await using var sim = await StartSimAsync("badtoken");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("badtoken", SynchroHarness.SpecFor(sim, [SimResources.Pods], token: "not-the-token"));
        await harness.WaitForConditionAsync("badtoken", "Validated", "False", _timeout);
        var validated = (await harness.ConditionAsync("badtoken", "Validated"))!.Value;
        validated.Reason.ShouldBe("Unauthorized");
        validated.Message.ShouldContain("401");
        (await harness.ConditionAsync("badtoken", "Ready"))!.Value.Status.ShouldBe("False");
        harness.Manager.NotReadyClusters().ShouldContain("badtoken");
        harness.Manager.InitialSyncDone.ShouldBeTrue("a cluster with bad credentials must not keep the server unready");

        await harness.ApplyAsync("badtoken", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.WaitForConditionAsync("badtoken", "Ready", "True", _timeout);
        (await harness.ConditionAsync("badtoken", "Validated"))!.Value.Status.ShouldBe("True");
        await harness.WaitConsistentAsync("badtoken", sim, [SimResources.Pods], _timeout);
    }

    [Fact]
    public async Task InvalidSpec_ValidatedFalseWithTheField()
    {
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("invalid", new JsonObject { ["apiserver"] = "https://127.0.0.1:1", ["tokenData"] = "%%%" });
        await harness.WaitForConditionAsync("invalid", "Validated", "False", _timeout);
        (await harness.ConditionAsync("invalid", "Validated"))!.Value.Message.ShouldContain("tokenData");
        await harness.ApplyAsync("invalid2", new JsonObject { ["kubeconfig"] = SynchroHarness.Base64("clusters: [") });
        await harness.WaitForConditionAsync("invalid2", "Validated", "False", _timeout);
        (await harness.ConditionAsync("invalid2", "Validated"))!.Value.Message.ShouldContain("spec.kubeconfig");
    }

    [Fact]
    public async Task ClusterDown_UnhealthyAndStopped_ThenReadyAndConsistent()
    {
        await using var sim = await StartSimAsync("outage");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("outage", SynchroHarness.SpecFor(sim, _podsAndDeployments));
        await harness.WaitForConditionAsync("outage", "Ready", "True", _timeout);

        var downFor = Stopwatch.StartNew();
        sim.Faults.GoDown(TimeSpan.FromMinutes(5));
        await harness.WaitForConditionAsync("outage", "ClusterHealthy", "False", _timeout);
        await Eventually.UntilAsync(
            async () => (string?)(await harness.ResourceConditionAsync("outage", "", "pods"))?["status"] == "Stop",
            _timeout, async () => (await harness.StatusAsync("outage"))!.ToJsonString());
        (await harness.ConditionAsync("outage", "Ready"))!.Value.Status.ShouldBe("False");
        harness.Manager.NotReadyClusters().ShouldContain("outage");

        // The member changes while we cannot see it.
        var pod = sim.Store.List(SimResources.Pods)[0]["metadata"]!;
        sim.Store.Delete(SimResources.Pods, (string)pod["namespace"]!, (string)pod["name"]!);
        await Task.Delay(1000);

        // Down for 30 s in all, as a restarted node or a network partition would be.
        var rest = _outage - downFor.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        (await harness.ConditionAsync("outage", "ClusterHealthy"))!.Value.Status.ShouldBe("False");
        sim.Faults.ComeUp();

        await harness.WaitForConditionAsync("outage", "Ready", "True", _timeout);
        (await harness.ConditionAsync("outage", "ClusterHealthy"))!.Value.Status.ShouldBe("True");
        await harness.WaitConsistentAsync("outage", sim, _podsAndDeployments, _timeout);
    }

    [Fact]
    public async Task ExcludeNamespaces_ObjectsThereAreNotStored_UntilTheExclusionGoes()
    {
        await using var sim = await StartSimAsync("exclude");
        await using var harness = await SynchroHarness.StartAsync(engine);
        var excluded = new HashSet<string>(StringComparer.Ordinal) { "kube-system", (string)sim.Store.List(SimResources.Deployments)[^1]["metadata"]!["namespace"]! };
        var spec = SynchroHarness.SpecFor(sim, [SimResources.Pods, SimResources.Nodes]);
        spec["excludeNamespaces"] = new JsonArray([.. excluded.Select(n => (JsonNode)JsonValue.Create(n))]);
        spec["excludeResources"] = new JsonArray(new JsonObject { ["group"] = "", ["resources"] = new JsonArray("nodes") });
        await harness.ApplyAsync("exclude", spec);
        await harness.WaitForConditionAsync("exclude", "Ready", "True", _timeout);

        var expected = SynchroHarness.SimObjects(sim, SimResources.Pods, excluded);
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("exclude", SimResources.Pods)).Keys.Order().SequenceEqual(expected.Keys.Order()),
            _timeout, () => Task.FromResult("stored pods differ from the pods outside the excluded namespaces"));
        (await harness.StoredObjectsAsync("exclude", SimResources.Nodes)).ShouldBeEmpty();
        harness.Catalog.Find("exclude", "", "v1", "nodes").ShouldBeNull();

        // A pod created in an excluded namespace is not stored either. A marker pod created after it in a namespace
        // that is synced comes through the same watch, so once the marker is stored the late pod has been seen.
        var ns = excluded.First(n => n != "kube-system");
        var included = expected.Keys.First().Split('/')[0];
        sim.Store.Create(SimResources.Pods, ns, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"late"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        sim.Store.Create(SimResources.Pods, included, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"marker"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("exclude", SimResources.Pods)).ContainsKey(included + "/marker"),
            _timeout, () => Task.FromResult("the marker pod created after the excluded one was never stored"));
        (await harness.StoredObjectsAsync("exclude", SimResources.Pods)).ShouldNotContainKey(ns + "/late");
        await harness.WaitForObjectCountAsync("exclude", "", "pods", expected.Count + 1, _timeout);

        spec.Remove("excludeNamespaces");
        await harness.ApplyAsync("exclude", spec);
        await harness.WaitConsistentAsync("exclude", sim, [SimResources.Pods], _timeout);
    }

    [Fact]
    public async Task Kubeconfig_InSpec_WinsOverTheOtherFields()
    {
        await using var sim = await StartSimAsync("kubeconfig");
        await using var harness = await SynchroHarness.StartAsync(engine);
        var spec = new JsonObject
        {
            ["kubeconfig"] = SynchroHarness.Base64(sim.CreateKubeconfig()),
            ["apiserver"] = "https://127.0.0.1:1",
            ["tokenData"] = SynchroHarness.Base64("wrong"),
            ["syncResources"] = SynchroHarness.SyncResources([SimResources.Deployments]),
        };
        await harness.ApplyAsync("kubeconfig", spec);
        await harness.WaitForConditionAsync("kubeconfig", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("kubeconfig", sim, [SimResources.Deployments], _timeout);
        ((string?)(await harness.StatusAsync("kubeconfig"))!["version"]).ShouldBe(sim.Options.KubernetesVersion);
    }

    [Fact]
    public async Task DeletePediaCluster_StopsAndRemovesItsData()
    {
        await using var sim = await StartSimAsync("gone");
        await using var harness = await SynchroHarness.StartAsync(engine);
        await harness.ApplyAsync("gone", SynchroHarness.SpecFor(sim, _podsAndDeployments));

        // A second cluster on the same member stays: its watch sees what the deleted one's would have.
        await harness.ApplyAsync("witness", SynchroHarness.SpecFor(sim, [SimResources.Pods]));
        await harness.WaitForConditionAsync("gone", "Ready", "True", _timeout);
        await harness.WaitForConditionAsync("witness", "Ready", "True", _timeout);
        (await harness.StoredObjectsAsync("gone", SimResources.Pods)).ShouldNotBeEmpty();

        await harness.DeleteAsync("gone");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("gone", SimResources.Pods)).Count == 0 && !harness.Catalog.Clusters.Contains("gone"),
            _timeout, () => Task.FromResult("the cluster's data is still there"));

        // Nothing comes back from a watch that should be stopped: once the witness has stored the new pod, a watch of
        // the deleted cluster still running would have delivered it too.
        sim.Store.Create(SimResources.Pods, "default", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"after"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        await Eventually.UntilAsync(
            async () => (await harness.StoredObjectsAsync("witness", SimResources.Pods)).ContainsKey("default/after"),
            _timeout, () => Task.FromResult("the witness cluster never stored the new pod"));
        (await harness.StoredObjectsAsync("gone", SimResources.Pods)).ShouldBeEmpty();
        harness.Catalog.Clusters.ShouldNotContain("gone");
    }
}
