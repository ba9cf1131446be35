using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");

    /// <summary>Parses a URL query the way the API server does.</summary>
    protected static ResourceQuery Url(string query, string? ns = null, string? cluster = null) =>
        ResourceQueryParser.Parse(
            _pods,
            query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                return eq < 0
                    ? new KeyValuePair<string, string?>(Uri.UnescapeDataString(p), "")
                    : new KeyValuePair<string, string?>(Uri.UnescapeDataString(p[..eq]), Uri.UnescapeDataString(p[(eq + 1)..]));
            }),
            ns,
            cluster);

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
        return ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString(selector)), p => parsed.Matches(SeedData.Labels(p)));
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
        return ExpectPodsAsync(Url("fieldSelector=" + Uri.EscapeDataString(selector)), p =>
        {
            using var document = JsonDocument.Parse(p.Object);
            return parsed.Matches(document.RootElement);
        });
    }

    [Fact]
    public Task ListAsync_LabelAndFieldSelectorTogether_BothApply() =>
        ExpectPodsAsync(Url("labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dnode-2"),
            p => SeedData.Labels(p).GetValueOrDefault("app") == "web" && SeedData.Field(p, "spec", "nodeName") == "node-2");

    [Fact]
    public Task ListAsync_LabelFormClusters_InSet() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/clusters in (cluster-1,cluster-3)")), p => p.Cluster is "cluster-1" or "cluster-3");

    [Fact]
    public Task ListAsync_LabelFormClustersNotIn_ReallyExcludes() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/clusters notin (cluster-1,cluster-3)")), p => p.Cluster == "cluster-2");

    [Fact]
    public Task ListAsync_LabelFormNamespacesNotInWithOrdinaryLabel_Both() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/namespaces notin (default),app=web")),
            p => p.Namespace != "default" && SeedData.Labels(p).GetValueOrDefault("app") == "web");

    [Fact]
    public Task ListAsync_LabelFormNamesNotEquals_Excludes() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/names!=db-0")), p => p.Name != "db-0");

    [Fact]
    public Task ListAsync_UrlClustersWinOverLabelForm() =>
        ExpectPodsAsync(Url("clusters=cluster-2&labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/clusters=cluster-1")), p => p.Cluster == "cluster-2");

    [Fact]
    public Task ListAsync_ClusterPathAndNamespacePath_Restrict() =>
        ExpectPodsAsync(Url("", ns: "team-a", cluster: "cluster-1"), p => p.Cluster == "cluster-1" && p.Namespace == "team-a");

    [Fact]
    public Task ListAsync_ClusterPathOutsideClustersParameter_Nothing() =>
        ExpectPodsAsync(Url("clusters=cluster-2", cluster: "cluster-1"), _ => false);

    [Fact]
    public Task ListAsync_UrlNamesCommaList_Both() =>
        ExpectPodsAsync(Url("names=db-0,coredns-1"), p => p.Name is "db-0" or "coredns-1");

    [Fact]
    public Task ListAsync_LabelFormFuzzyName_Substring() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("internalstorage.clusterpedia.io/fuzzy-name=dns")), p => p.Name.Contains("dns", StringComparison.Ordinal));

    [Fact]
    public Task ListAsync_UrlFuzzyName_Substring() =>
        ExpectPodsAsync(Url("fuzzyName=etcd"), p => p.Name.Contains("etcd", StringComparison.Ordinal));

    [Theory]
    [InlineData("since=2024-01-01T01:40:00Z", 100)]
    [InlineData("since=2024-01-01T02:40:00%2B01:00", 100)]
    [InlineData("since=1704073200", 100)]
    [InlineData("since=1704073200000", 100)]
    [InlineData("labelSelector=search.clusterpedia.io%2Fsince%3D1704073200", 100)]
    public Task ListAsync_SinceEveryFormat_SameWindow(string query, int minutes) =>
        ExpectPodsAsync(Url(query), p => p.CreatedAt >= TestObjects.Epoch.AddMinutes(minutes));

    [Fact]
    public Task ListAsync_BeforeDate_CreatedBeforeMidnight() =>
        ExpectPodsAsync(Url("before=2024-01-01"), p => p.CreatedAt < TestObjects.Epoch);

    [Fact]
    public Task ListAsync_LabelFormBeforeDate_CreatedBeforeMidnight() =>
        ExpectPodsAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/before=2024-01-01")), p => p.CreatedAt < TestObjects.Epoch);

    [Fact]
    public async Task ListAsync_LabelFormLimitAndOffset_Page()
    {
        var page = await Storage.ListAsync(Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/size=3,search.clusterpedia.io/offset=3")), Ct);

        page.Items.Select(Id).ShouldBe(DefaultOrder(SeedData.Pods).Skip(3).Take(3).Select(Id).ToArray());
    }

    [Fact]
    public async Task ListAsync_LabelFormWithRemainingCount_Counts()
    {
        var page = await Storage.ListAsync(Url("limit=4&labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/with-remaining-count=true")), Ct);

        page.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 4);
    }

    [Fact]
    public async Task ListAsync_OnlyMetadata_ObjectHasOnlyApiVersionKindMetadata()
    {
        var items = await ListAllAsync(Url("onlyMetadata=true&names=db-0"));

        items.ShouldNotBeEmpty();
        foreach (var item in items)
        {
            using var document = JsonDocument.Parse(item.Object);
            document.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["apiVersion", "kind", "metadata"], ignoreOrder: true);
            document.RootElement.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("db-0");
        }
    }
}
