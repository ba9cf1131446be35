using System.Text.Json;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Storage.Tests.Fixtures;
using static Clusterpedia.Storage.Tests.Fixtures.TypedQuery;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    // The oracle is the Kubernetes semantics of our own selector library, evaluated on the seed in memory.
    [Theory]
    [InlineData("app=web")]
    [InlineData("app==web")]
    [InlineData("app!=web")]
    [InlineData("app in (web,db)")]
    [InlineData("app notin (web)")]
    [InlineData("app notin (web,db)")]
    [InlineData("app")]
    [InlineData("!app")]
    [InlineData("tier=frontend,env=prod")]
    [InlineData("tier in (frontend,backend),env!=prod")]
    [InlineData("env notin (prod)")]
    [InlineData("env,!k8s-app")]
    [InlineData("k8s-app=kube-dns")]
    [InlineData("rank>5")]
    [InlineData("rank<10")]
    [InlineData("rank>0")]
    [InlineData("app=nothing")]
    [InlineData("missing!=x")]
    [InlineData("!missing,app=db")]
    [InlineData("app in (web),app notin (db)")]
    public Task ListAsync_LabelSelector_MatchesKubernetesSemantics(string selector)
    {
        var parsed = LabelSelector.Parse(selector);
        return ExpectPodsAsync(Pods() with { LabelSelector = Labels(selector) }, p => parsed.Matches(SeedData.Labels(p)));
    }

    [Theory]
    [InlineData("status.phase=Running")]
    [InlineData("status.phase==Pending")]
    [InlineData("status.phase!=Running")]
    [InlineData("status.phase in (Pending,Succeeded)")]
    [InlineData("status.phase notin (Running)")]
    [InlineData("spec.nodeName=node-1")]
    [InlineData("spec.nodeName!=node-1")]
    [InlineData("spec.nodeName")]
    [InlineData("!spec.nodeName")]
    [InlineData("metadata.labels['app']=web")]
    [InlineData("metadata.labels[\"k8s-app\"]=kube-dns")]
    [InlineData("metadata.annotations['example.com/team']=web")]
    [InlineData("metadata.annotations['example.com/team']")]
    [InlineData("status[\"phase\"]=Running,spec.nodeName in (node-2,node-3)")]
    [InlineData("metadata.name=db-0")]
    [InlineData("metadata.namespace=team-a")]
    [InlineData("spec.hostNetwork=false")]
    [InlineData("spec.priority=0")]
    [InlineData("spec.nothing.deeper=x")]
    [InlineData("spec.nothing.deeper!=x")]
    public Task ListAsync_FieldSelector_MatchesKubernetesSemantics(string selector)
    {
        var parsed = FieldSelector.Parse(selector);
        return ExpectPodsAsync(Pods() with { FieldSelector = Fields(selector) }, p =>
        {
            using var document = JsonDocument.Parse(p.Object);
            return parsed.Matches(document.RootElement);
        });
    }

    [Fact]
    public Task ListAsync_LabelAndFieldSelectorTogether_BothApply() =>
        ExpectPodsAsync(Pods() with { LabelSelector = Labels("app=web"), FieldSelector = Fields("spec.nodeName=node-2") },
            p => SeedData.Labels(p).GetValueOrDefault("app") == "web" && SeedData.Field(p, "spec", "nodeName") == "node-2");

    [Fact]
    public Task ListAsync_Clusters_InSet() =>
        ExpectPodsAsync(Pods() with { Clusters = ["cluster-1", "cluster-3"] }, p => p.Cluster is "cluster-1" or "cluster-3");

    [Fact]
    public Task ListAsync_ClustersNotInTwo_ReallyExcludes() =>
        ExpectPodsAsync(Pods() with { ClustersNotIn = ["cluster-1", "cluster-3"] }, p => p.Cluster == "cluster-2");

    [Fact]
    public Task ListAsync_NamespacesNotInWithOrdinaryLabel_Both() =>
        ExpectPodsAsync(Pods() with { NamespacesNotIn = ["default"], LabelSelector = Labels("app=web") },
            p => p.Namespace != "default" && SeedData.Labels(p).GetValueOrDefault("app") == "web");

    [Fact]
    public Task ListAsync_NamesNotIn_Excludes() =>
        ExpectPodsAsync(Pods() with { NamesNotIn = ["db-0"] }, p => p.Name != "db-0");

    [Fact]
    public Task ListAsync_ClusterAndNamespace_Restrict() =>
        ExpectPodsAsync(Pods() with { Clusters = ["cluster-1"], Namespaces = ["team-a"] }, p => p.Cluster == "cluster-1" && p.Namespace == "team-a");

    [Fact]
    public Task ListAsync_Names_Both() =>
        ExpectPodsAsync(Pods() with { Names = ["db-0", "coredns-1"] }, p => p.Name is "db-0" or "coredns-1");

    [Theory]
    [InlineData("dns")]
    [InlineData("etcd")]
    public Task ListAsync_FuzzyNameParts_Substring(string part) =>
        ExpectPodsAsync(Pods() with { FuzzyName = part }, p => p.Name.Contains(part, StringComparison.Ordinal));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-5)]
    public Task ListAsync_SinceInAnyOffset_SameInstantSameWindow(int offsetHours) =>
        ExpectPodsAsync(Pods() with { Since = TestObjects.Epoch.AddMinutes(100).ToOffset(TimeSpan.FromHours(offsetHours)) },
            p => p.CreatedAt >= TestObjects.Epoch.AddMinutes(100));

    [Fact]
    public Task ListAsync_BeforeMidnight_CreatedBeforeMidnight() =>
        ExpectPodsAsync(Pods() with { Before = TestObjects.Epoch }, p => p.CreatedAt < TestObjects.Epoch);

    [Fact]
    public async Task ListAsync_LimitAndIntegerOffset_Page()
    {
        var page = await Storage.ListAsync(Pods() with { Limit = 3, Continue = "3" }, Ct);

        page.Items.Select(Id).ShouldBe(DefaultOrder(SeedData.Pods).Skip(3).Take(3).Select(Id).ToArray());
    }

    [Fact]
    public async Task ListAsync_WithRemainingCount_Counts()
    {
        var page = await Storage.ListAsync(Pods() with { Limit = 4, WithRemainingCount = true }, Ct);

        page.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 4);
    }

    [Fact]
    public async Task ListAsync_OnlyMetadata_ObjectHasOnlyApiVersionKindMetadata()
    {
        var items = await ListAllAsync(Pods() with { OnlyMetadata = true, Names = ["db-0"] });

        items.ShouldNotBeEmpty();
        foreach (var item in items)
        {
            using var document = JsonDocument.Parse(item.Object);
            document.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["apiVersion", "kind", "metadata"], ignoreOrder: true);
            document.RootElement.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("db-0");
        }
    }
}
