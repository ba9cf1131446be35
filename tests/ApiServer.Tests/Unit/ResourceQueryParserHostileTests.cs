using Clusterpedia.ApiServer.Search;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Tests.Unit;

/// <summary>
/// The parser's half of what the storage specification used to test through URL text: sort keys, collection types,
/// label forms beside their URL forms, and hostile query text, which must be refused here, before storage sees it.
/// </summary>
public sealed class ResourceQueryParserHostileTests
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");

    /// <summary>A raw query string as a client sends it, escapes included.</summary>
    private static List<KeyValuePair<string, string?>> Pairs(string query) =>
        [.. query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? new KeyValuePair<string, string?>(Uri.UnescapeDataString(p), "")
                : new KeyValuePair<string, string?>(Uri.UnescapeDataString(p[..eq]), Uri.UnescapeDataString(p[(eq + 1)..]));
        })];

    private static ResourceQuery Url(string query, string? ns = null, string? cluster = null) =>
        ResourceQueryParser.Parse(_pods, Pairs(query), ns, cluster);

    private static ResourceQuery Collection(CollectionResource collection, string query = "") =>
        ResourceQueryParser.ParseCollection(collection, Pairs(query), null, null);

    [Theory]
    [InlineData("orderby=name", "Name")]
    [InlineData("orderby=name%20desc", "Name-")]
    [InlineData("orderby=namespace%20desc,cluster", "Namespace-,Cluster")]
    [InlineData("orderby=created_at%20desc", "CreatedAt-")]
    [InlineData("orderby=resource_version", "ResourceVersion")]
    [InlineData("orderby=cluster%20desc&orderby=name", "Cluster-,Name")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%3Dname_desc", "Name-")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%20in%20(cluster_desc,name)", "Cluster-,Name")]
    public void Parse_OrderByUrlAndLabelForms_SortKeys(string query, string expected) =>
        string.Join(',', Url(query).OrderBy!.Select(k => k.Field + (k.Descending ? "-" : ""))).ShouldBe(expected);

    [Theory]
    [InlineData("orderby=name;DROP TABLE resources")]
    [InlineData("orderby=(select 1)")]
    [InlineData("orderby=name%20desc%20nulls%20first")]
    [InlineData("orderby=object")]
    [InlineData("orderby=uid")]
    [InlineData("orderby=name%20sideways")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%3Dkind")]
    public void Parse_OrderByOutsideAllowList_InvalidQueryNamingOrderBy(string query) =>
        Should.Throw<InvalidQueryException>(() => Url(query)).Field.ShouldContain("orderby");

    [Theory]
    [InlineData("labelSelector=app%3D'web'%20OR%201%3D1", "labelSelector")]
    [InlineData("labelSelector=app'%20OR%201%3D1--%3Dweb", "labelSelector")]
    [InlineData("labelSelector=a%22b%3Dc", "labelSelector")]
    [InlineData("fieldSelector=metadata.labels[%22a%5C%22%5D%22]%3Dx", "fieldSelector")]
    [InlineData("fieldSelector=status.phase%3DRunning'%20OR%20'1'%3D'1", "fieldSelector")]
    [InlineData("limit=1;DROP", "limit")]
    [InlineData("since=2024-01-01'%20OR%201=1", "since")]
    [InlineData("ownerSeniority=1%20OR%201", "ownerSeniority")]
    public void Parse_InjectionAttemptInSyntax_InvalidQueryNamingKey(string query, string field) =>
        Should.Throw<InvalidQueryException>(() => Url(query)).Field.ShouldBe(field);

    [Theory]
    [InlineData("since=2024-01-01T01:40:00Z")]
    [InlineData("since=2024-01-01T02:40:00%2B01:00")]
    [InlineData("since=1704073200")]
    [InlineData("since=1704073200000")]
    [InlineData("labelSelector=search.clusterpedia.io%2Fsince%3D1704073200")]
    public void Parse_SinceEveryForm_SameInstant(string query) =>
        Url(query).Since.ShouldBe(new DateTimeOffset(2024, 1, 1, 1, 40, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("before=2024-01-01")]
    [InlineData("labelSelector=search.clusterpedia.io%2Fbefore%3D2024-01-01")]
    public void Parse_BeforeDateUrlAndLabelForm_UtcMidnight(string query) =>
        Url(query).Before.ShouldBe(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Parse_LabelFormSizeOffsetAndRemainingCount_PageKeys()
    {
        var query = Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/size=3,search.clusterpedia.io/offset=3,search.clusterpedia.io/with-remaining-count=true"));

        (query.Limit, query.Continue, query.WithRemainingCount).ShouldBe((3, "3", true));
    }

    [Fact]
    public void Parse_ClusterPathOutsideClustersParameter_EmptySet() =>
        Url("clusters=cluster-2", cluster: "cluster-1").Clusters.ShouldBe([]);

    [Fact]
    public void Parse_UrlOnlyMetadataAndNames_Typed()
    {
        var query = Url("onlyMetadata=true&names=db-0,coredns-1");

        query.OnlyMetadata.ShouldBeTrue();
        query.Names.ShouldBe(["db-0", "coredns-1"]);
    }

    [Fact]
    public void ParseCollection_Workloads_TypesOfTheCollection() =>
        Collection(CollectionResource.Workloads, "labelSelector=app%3Dweb").ShouldSatisfyAllConditions(
            q => q.ResourceTypes.ShouldBe(CollectionResource.Workloads.Types),
            q => q.LabelSelector!.Single().Key.ShouldBe("app"));

    [Theory]
    [InlineData("groups=example.io", "example.io||")]
    [InlineData("groups=example.io/v1alpha1", "example.io|v1alpha1|")]
    [InlineData("resources=apps/deployments,/pods", "apps||deployments;||pods")]
    public void ParseCollection_AnyByGroupsOrResources_Types(string query, string expected) =>
        string.Join(';', Collection(CollectionResource.Any, query).ResourceTypes!.Select(t => $"{t.Group}|{t.Version}|{t.Resource}")).ShouldBe(expected);

    [Fact]
    public void ParseCollection_AnyWithoutTypes_InvalidQueryNamingGroups() =>
        Should.Throw<InvalidQueryException>(() => Collection(CollectionResource.Any)).Field.ShouldBe("groups");

    [Theory]
    [InlineData("resources=deployments", "resources")]
    [InlineData("resources=apps/v1/deployments/x", "resources")]
    [InlineData("groups=apps/v1/x", "groups")]
    [InlineData("groups=ap'ps", "groups")]
    public void ParseCollection_MalformedTypes_InvalidQueryNamingKey(string query, string field) =>
        Should.Throw<InvalidQueryException>(() => Collection(CollectionResource.Any, query)).Field.ShouldBe(field);
}
