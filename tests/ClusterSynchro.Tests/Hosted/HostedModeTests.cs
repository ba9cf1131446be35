using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Hosted;

/// <summary>
/// Hosted mode against a simulated host cluster (with crds/ applied) and a simulated member: PediaClusters whose
/// credentials come from Secrets are synced, report status in the host, follow edits and deletions made in the host.
/// </summary>
[Collection(SynchroCollection.Name)]
public sealed class HostedModeTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    private static Task<SimulatedCluster> StartMemberAsync(string name) => SimulatedCluster.StartAsync(new SimulatorOptions
    {
        ClusterName = name,
        Token = "token-" + name,
        Namespaces = 2,
        DeploymentsPerNamespace = 2,
        PodsPerDeployment = 1,
    });

    private static JsonObject SpecFromSecret(SimulatedCluster member, string secret, string key, params GroupVersionResource[] resources) => new()
    {
        ["apiserver"] = member.Url.ToString().TrimEnd('/'),
        ["authenticationFrom"] = new JsonObject { ["token"] = new JsonObject { ["name"] = secret, ["key"] = key } },
        ["syncResources"] = SynchroHarness.SyncResources(resources),
    };

    [Fact]
    public async Task HostedPediaCluster_TokenFromSecret_SyncsReportsStatusFollowsEditsAndDeletion()
    {
        await using var member = await StartMemberAsync("member-1");
        await using var harness = await HostedHarness.StartAsync();
        harness.CreateSecret("member-1-credentials", new Dictionary<string, string> { ["token"] = member.Token! });
        harness.CreatePediaCluster("member-1", SpecFromSecret(member, "member-1-credentials", "token", SimResources.Deployments));

        await harness.WaitForConditionAsync("member-1", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("member-1", member, SimResources.Deployments, _timeout);
        harness.Condition("member-1", "Validated")!.Value.Status.ShouldBe("True");
        var finalizers = harness.HostPediaCluster("member-1")!["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f);
        finalizers.ShouldContain(PediaClusterResource.Finalizer, "the data finalizer is added in the host, so a deletion there is not lost");

        // An edit in the host: one more resource is synced.
        harness.Host.Store.Update(HostedHarness.PediaClusters, null, "member-1", obj =>
        {
            obj["spec"]!["syncResources"] = SynchroHarness.SyncResources([SimResources.Deployments, SimResources.ConfigMaps]);
            return obj;
        });
        await harness.WaitConsistentAsync("member-1", member, SimResources.ConfigMaps, _timeout);
        await Eventually.UntilAsync(
            () => Task.FromResult((harness.HostPediaCluster("member-1")?["status"]?["syncResources"] as JsonArray)?.OfType<JsonObject>().Any(g => (string?)g["group"] == "") == true),
            _timeout, () => Task.FromResult($"no status for configmaps: {harness.HostPediaCluster("member-1")?["status"]?.ToJsonString()}"));

        // A deletion in the host: the finalizer holds the object until the synchro removed the cluster's rows.
        harness.Host.Store.Delete(HostedHarness.PediaClusters, null, "member-1");
        await Eventually.UntilAsync(() => Task.FromResult(harness.HostPediaCluster("member-1") is null), _timeout,
            () => Task.FromResult($"the PediaCluster is still in the host: {harness.HostPediaCluster("member-1")?["metadata"]?.ToJsonString()}"));
        (await harness.StoredObjectsAsync("member-1", SimResources.Deployments)).ShouldBeEmpty();
        (await harness.StoredObjectsAsync("member-1", SimResources.ConfigMaps)).ShouldBeEmpty();
    }

    [Fact]
    public async Task HostedPediaCluster_MissingSecretThenMissingKey_ValidatedFalseNamingTheFieldUntilTheSecretIsThere()
    {
        await using var member = await StartMemberAsync("member-2");
        await using var harness = await HostedHarness.StartAsync();
        harness.CreatePediaCluster("member-2", SpecFromSecret(member, "member-2-credentials", "token", SimResources.Deployments));

        await harness.WaitForConditionAsync("member-2", "Validated", "False", _timeout);
        harness.Condition("member-2", "Validated")!.Value.Message
            .ShouldBe($"spec.authenticationFrom.token: secret {HostedHarness.SecretNamespace}/member-2-credentials not found");
        harness.Condition("member-2", "Ready")!.Value.Status.ShouldBe("False");

        // The Secret appears without the key: still not valid, now saying which key is missing.
        harness.CreateSecret("member-2-credentials", new Dictionary<string, string> { ["other"] = "x" });
        await Eventually.UntilAsync(
            () => Task.FromResult(harness.Condition("member-2", "Validated")?.Message.Contains("has no key", StringComparison.Ordinal) == true), _timeout,
            () => Task.FromResult($"Validated: {harness.Condition("member-2", "Validated")}"));
        harness.Condition("member-2", "Validated")!.Value.Message
            .ShouldBe($"spec.authenticationFrom.token: secret {HostedHarness.SecretNamespace}/member-2-credentials has no key \"token\"");

        // The key is added: the next reconcile connects, nothing restarted by hand.
        harness.Host.Store.Update(HostedHarness.Secrets, HostedHarness.SecretNamespace, "member-2-credentials", secret =>
        {
            secret["data"]!["token"] = SynchroHarness.Base64(member.Token!);
            return secret;
        });
        await harness.WaitForConditionAsync("member-2", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("member-2", member, SimResources.Deployments, _timeout);
    }

    [Fact]
    public async Task HostedPediaCluster_WrongTokenInSecret_ValidatedFalseAndRotationRecovers()
    {
        await using var member = await StartMemberAsync("member-3");
        await using var harness = await HostedHarness.StartAsync();
        harness.CreateSecret("member-3-credentials", new Dictionary<string, string> { ["token"] = "not-the-token" });
        harness.CreatePediaCluster("member-3", SpecFromSecret(member, "member-3-credentials", "token", SimResources.Deployments));

        await harness.WaitForConditionAsync("member-3", "Validated", "False", _timeout);
        harness.Condition("member-3", "Validated")!.Value.Reason.ShouldBe("Unauthorized");

        harness.Host.Store.Update(HostedHarness.Secrets, HostedHarness.SecretNamespace, "member-3-credentials", secret =>
        {
            secret["data"]!["token"] = SynchroHarness.Base64(member.Token!);
            return secret;
        });
        await harness.WaitForConditionAsync("member-3", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("member-3", member, SimResources.Deployments, _timeout);
    }

    [Fact]
    public async Task HostedSyncResourcesRef_ClusterSyncResourcesInHost_AreMergedIn()
    {
        await using var member = await StartMemberAsync("member-4");
        await using var harness = await HostedHarness.StartAsync();
        harness.Host.Store.Create(HostedHarness.SyncResourcesGvr, null, new JsonObject
        {
            ["apiVersion"] = PediaClusterConversion.V1Alpha2,
            ["kind"] = PediaClusterResource.SyncResourcesKind,
            ["metadata"] = new JsonObject { ["name"] = "configmaps-too" },
            ["spec"] = new JsonObject { ["syncResources"] = SynchroHarness.SyncResources([SimResources.ConfigMaps]) },
        });
        harness.CreateSecret("member-4-credentials", new Dictionary<string, string> { ["token"] = member.Token! });
        var spec = SpecFromSecret(member, "member-4-credentials", "token", SimResources.Deployments);
        spec["syncResourcesRefName"] = "configmaps-too";
        harness.CreatePediaCluster("member-4", spec);

        await harness.WaitForConditionAsync("member-4", "Ready", "True", _timeout);
        await harness.WaitConsistentAsync("member-4", member, SimResources.Deployments, _timeout);
        await harness.WaitConsistentAsync("member-4", member, SimResources.ConfigMaps, _timeout);
    }

    [Fact]
    public async Task HostServesLegacyGroup_V1Alpha1PediaCluster_SyncedWithStatusInItsOwnForm()
    {
        await using var member = await StartMemberAsync("member-6");
        await using var harness = await HostedHarness.StartAsync();
        var legacy = new GroupVersionResource(PediaClusterResource.LegacyGroup, PediaClusterResource.LegacyVersion, PediaClusterResource.Resource);
        // The repository's crds/ (applied by the harness) include the v1alpha1 CRD.
        harness.CreateSecret("member-6-credentials", new Dictionary<string, string> { ["token"] = member.Token! });
        harness.Host.Store.Create(legacy, null, new JsonObject
        {
            ["apiVersion"] = PediaClusterConversion.V1Alpha1,
            ["kind"] = PediaClusterResource.Kind,
            ["metadata"] = new JsonObject { ["name"] = "member-6" },
            ["spec"] = new JsonObject
            {
                ["apiserverURL"] = member.Url.ToString().TrimEnd('/'),
                ["authenticationFrom"] = new JsonObject { ["token"] = new JsonObject { ["name"] = "member-6-credentials", ["key"] = "token" } },
                ["resources"] = SynchroHarness.SyncResources([SimResources.Deployments]),
            },
        });

        await Eventually.UntilAsync(
            () => Task.FromResult((harness.Host.Store.Get(legacy, null, "member-6")?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True") == true),
            _timeout, () => Task.FromResult($"the v1alpha1 object: {harness.Host.Store.Get(legacy, null, "member-6")?.ToJsonString()}"));
        await harness.WaitConsistentAsync("member-6", member, SimResources.Deployments, _timeout);
        var status = harness.Host.Store.Get(legacy, null, "member-6")!["status"]!;
        status["resources"].ShouldNotBeNull("the status is written in the v1alpha1 form");
        status["syncResources"].ShouldBeNull();

        harness.Host.Store.Delete(legacy, null, "member-6");
        await Eventually.UntilAsync(() => Task.FromResult(harness.Host.Store.Get(legacy, null, "member-6") is null), _timeout,
            () => Task.FromResult("the v1alpha1 PediaCluster is still in the host"));
        (await harness.StoredObjectsAsync("member-6", SimResources.Deployments)).ShouldBeEmpty();
    }

    [Fact]
    public async Task StandaloneMode_AuthenticationFrom_ValidatedFalseSayingHostedModeIsNeeded()
    {
        await using var member = await StartMemberAsync("member-5");
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite);
        await harness.ApplyAsync("member-5", SpecFromSecret(member, "member-5-credentials", "token", SimResources.Deployments));

        await harness.WaitForConditionAsync("member-5", "Validated", "False", _timeout);
        var validated = await harness.ConditionAsync("member-5", "Validated");
        validated!.Value.Message.ShouldStartWith("spec.authenticationFrom: credentials in Secrets are read only in hosted mode");
    }
}
