using Clusterpedia.ApiServer.Search;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class ResourceQueryParserTests
{
    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");

    private static ResourceQuery Parse(string? ns = null, string? cluster = null, params (string Key, string? Value)[] query) =>
        ResourceQueryParser.Parse(_deployments, query.Select(q => new KeyValuePair<string, string?>(q.Key, q.Value)), ns, cluster);

    private static ResourceQuery Labels(string selector) => Parse(query: ("labelSelector", selector));

    [Fact]
    public void Parse_NoQuery_OnlyResource()
    {
        var query = Parse();

        query.Group.ShouldBe("apps");
        query.Version.ShouldBe("v1");
        query.Resource.ShouldBe("deployments");
        query.Clusters.ShouldBeNull();
        query.LabelSelector.ShouldBeNull();
        query.OrderBy.ShouldBeNull();
        query.Limit.ShouldBeNull();
    }

    [Fact]
    public void Parse_LabelFormSearchKeys_RemovedFromLabelSelector()
    {
        var query = Labels("app=web,search.clusterpedia.io/clusters in (a,b),search.clusterpedia.io/limit=5");

        query.Clusters.ShouldBe(["a", "b"]);
        query.Limit.ShouldBe(5);
        var label = query.LabelSelector!.Single();
        (label.Key, label.Operator, label.Values.Single()).ShouldBe(("app", MatchOperator.Equals, "web"));
    }

    [Fact]
    public void Parse_LabelFormNotIn_GoesToNotInSets()
    {
        var query = Labels("search.clusterpedia.io/clusters notin (a),search.clusterpedia.io/namespaces!=kube-system,search.clusterpedia.io/names notin (x,y)");

        query.Clusters.ShouldBeNull();
        query.ClustersNotIn.ShouldBe(["a"]);
        query.NamespacesNotIn.ShouldBe(["kube-system"]);
        query.NamesNotIn.ShouldBe(["x", "y"]);
    }

    [Fact]
    public void Parse_UrlAndLabelFormOfSameKey_UrlWins()
    {
        var query = Parse(query: [("labelSelector", "search.clusterpedia.io/clusters=a,search.clusterpedia.io/limit=3,search.clusterpedia.io/orderby=name_desc"), ("clusters", "b"), ("limit", "7"), ("orderby", "cluster")]);

        query.Clusters.ShouldBe(["b"]);
        query.Limit.ShouldBe(7);
        query.OrderBy.ShouldBe([new OrderByKey(OrderByField.Cluster)]);
    }

    [Fact]
    public void Parse_RepeatedAndCommaListUrlValues_Union()
    {
        var query = Parse(query: [("clusters", "a,b"), ("clusters", "c"), ("namespaces", " x , y ")]);

        query.Clusters.ShouldBe(["a", "b", "c"]);
        query.Namespaces.ShouldBe(["x", "y"]);
    }

    [Fact]
    public void Parse_OrderByUrlForm_KeepsKeyOrderAndDirections()
    {
        var query = Parse(query: ("orderby", "namespace desc,cluster,created_at_desc,resource_version asc"));

        query.OrderBy.ShouldBe(
        [
            new OrderByKey(OrderByField.Namespace, true),
            new OrderByKey(OrderByField.Cluster),
            new OrderByKey(OrderByField.CreatedAt, true),
            new OrderByKey(OrderByField.ResourceVersion),
        ]);
    }

    [Fact]
    public void Parse_SizeLabel_IsLimit() => Labels("search.clusterpedia.io/size=9").Limit.ShouldBe(9);

    [Fact]
    public void Parse_OffsetLabel_IsIntegerContinue() => Labels("search.clusterpedia.io/offset=20").Continue.ShouldBe("20");

    [Fact]
    public void Parse_UrlContinue_WinsOverOffsetLabel() =>
        Parse(query: [("labelSelector", "search.clusterpedia.io/offset=20"), ("continue", "abc")]).Continue.ShouldBe("abc");

    [Fact]
    public void Parse_Booleans_GoParseBoolForms()
    {
        Parse(query: [("withContinue", "false"), ("withRemainingCount", "1"), ("onlyMetadata", "True")]).ShouldSatisfyAllConditions(
            q => q.WithContinue.ShouldBe(false),
            q => q.WithRemainingCount.ShouldBeTrue(),
            q => q.OnlyMetadata.ShouldBeTrue());
        Labels("search.clusterpedia.io/with-continue=true,search.clusterpedia.io/with-remaining-count=t").ShouldSatisfyAllConditions(
            q => q.WithContinue.ShouldBe(true),
            q => q.WithRemainingCount.ShouldBeTrue());
    }

    [Theory]
    [InlineData("2024-03-04T05:06:07Z", "2024-03-04T05:06:07+00:00")]
    [InlineData("2024-03-04T07:06:07+02:00", "2024-03-04T05:06:07+00:00")]
    [InlineData("2024-03-04T05:06:07.250Z", "2024-03-04T05:06:07.250+00:00")]
    [InlineData("2024-03-04", "2024-03-04T00:00:00+00:00")]
    [InlineData("1709528767", "2024-03-04T05:06:07+00:00")]
    [InlineData("1709528767000", "2024-03-04T05:06:07+00:00")]
    public void Parse_SinceFormats_SameInstant(string value, string expected)
    {
        Parse(query: ("since", value)).Since.ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        Parse(query: ("before", value)).Before.ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Parse_OwnerKeys_AllForms()
    {
        var url = Parse(query: [("ownerUID", "u-1"), ("ownerName", "web"), ("ownerGR", "deployments.apps"), ("ownerSeniority", "1")]);
        var label = Labels("search.clusterpedia.io/owner-uid=u-1,search.clusterpedia.io/owner-name=web,search.clusterpedia.io/owner-gr=deployments.apps,search.clusterpedia.io/owner-seniority=1");

        foreach (var query in new[] { url, label })
        {
            query.OwnerUid.ShouldBe("u-1");
            query.OwnerName.ShouldBe("web");
            query.OwnerGroupResource.ShouldBe("deployments.apps");
            query.OwnerSeniority.ShouldBe(1);
        }
    }

    [Fact]
    public void Parse_FuzzyNameLabel_InternalStoragePrefix() =>
        Labels("internalstorage.clusterpedia.io/fuzzy-name=ngin").FuzzyName.ShouldBe("ngin");

    [Fact]
    public void Parse_FieldSelector_PathSegmentsAndOperators()
    {
        var query = Parse(query: ("fieldSelector", "metadata.annotations['a.b/c']=x,status.phase!=Running,spec.nodeName in (n1,n2),!spec.x"));

        query.FieldSelector.ShouldNotBeNull();
        var byPath = query.FieldSelector.ToDictionary(f => string.Join('|', f.Path), f => f.Operator);
        byPath.ShouldBe(new Dictionary<string, MatchOperator>
        {
            ["metadata|annotations|a.b/c"] = MatchOperator.Equals,
            ["status|phase"] = MatchOperator.NotEquals,
            ["spec|nodeName"] = MatchOperator.In,
            ["spec|x"] = MatchOperator.DoesNotExist,
        }, ignoreOrder: true);
    }

    [Fact]
    public void Parse_EveryLabelOperator_Mapped()
    {
        var query = Labels("a=1,b==2,c!=3,d in (4),e notin (5),f,!g,h>6,i<7");

        query.LabelSelector!.Select(l => l.Operator).ShouldBe(
        [
            MatchOperator.Equals, MatchOperator.Equals, MatchOperator.NotEquals, MatchOperator.In, MatchOperator.NotIn,
            MatchOperator.Exists, MatchOperator.DoesNotExist, MatchOperator.GreaterThan, MatchOperator.LessThan,
        ]);
    }

    [Fact]
    public void Parse_PathNamespaceAndCluster_RestrictSets()
    {
        Parse("ns1", "c1").ShouldSatisfyAllConditions(q => q.Namespaces.ShouldBe(["ns1"]), q => q.Clusters.ShouldBe(["c1"]));
        Parse("ns1", null, ("namespaces", "ns1,ns2")).Namespaces.ShouldBe(["ns1"]);
        Parse("ns1", null, ("namespaces", "ns2")).Namespaces.ShouldBe([]);
    }

    [Fact]
    public void Parse_UnknownUrlKeys_Ignored() =>
        Parse(query: [("watch", "true"), ("timeoutSeconds", "30"), ("resourceVersion", "5"), ("pretty", null)]).Limit.ShouldBeNull();

    [Theory]
    [InlineData("limit", "-1")]
    [InlineData("limit", "ten")]
    [InlineData("since", "yesterday")]
    [InlineData("before", "2024-13-01")]
    [InlineData("ownerSeniority", "9")]
    [InlineData("ownerSeniority", "-1")]
    [InlineData("orderby", "name up")]
    [InlineData("orderby", "kind")]
    [InlineData("labelSelector", "a in (")]
    [InlineData("fieldSelector", "=x")]
    public void Parse_BadUrlValue_InvalidQueryNamingKeyAndAllowedValues(string key, string value)
    {
        var error = Should.Throw<InvalidQueryException>(() => Parse(query: (key, value)));

        error.Field.ShouldBe(key);
        error.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("search.clusterpedia.io/limit=x", "search.clusterpedia.io/limit")]
    [InlineData("search.clusterpedia.io/offset=x", "search.clusterpedia.io/offset")]
    [InlineData("search.clusterpedia.io/since=x", "search.clusterpedia.io/since")]
    [InlineData("search.clusterpedia.io/orderby=kind", "search.clusterpedia.io/orderby")]
    [InlineData("search.clusterpedia.io/clusters", "search.clusterpedia.io/clusters")]
    [InlineData("search.clusterpedia.io/limit in (1,2)", "search.clusterpedia.io/limit")]
    [InlineData("search.clusterpedia.io/owner-seniority!=1", "search.clusterpedia.io/owner-seniority")]
    [InlineData("search.clusterpedia.io/colors=red", "search.clusterpedia.io/colors")]
    [InlineData("internalstorage.clusterpedia.io/other=x", "internalstorage.clusterpedia.io/other")]
    [InlineData("search.clusterpedia.io/limit=1,search.clusterpedia.io/limit=2", "search.clusterpedia.io/limit")]
    public void Parse_BadLabelFormValue_InvalidQueryNamingLabelKey(string selector, string key)
    {
        var error = Should.Throw<InvalidQueryException>(() => Labels(selector));

        error.Field.ShouldBe(key);
    }

    [Fact]
    public void Parse_BadOrderBy_MessageListsAllowedFields()
    {
        var error = Should.Throw<InvalidQueryException>(() => Parse(query: ("orderby", "name;drop table")));

        error.Message.ShouldContain("cluster, namespace, name, created_at, resource_version");
    }

    [Fact]
    public void Build_AspNetCoreQuery_SameAsPairs()
    {
        var query = SearchQueryBuilder.Build(
            _deployments,
            new QueryCollection(new Dictionary<string, StringValues>
            {
                ["clusters"] = new(["a", "b"]),
                ["limit"] = "3",
                ["labelSelector"] = "app=web",
                ["withRemainingCount"] = StringValues.Empty,
            }),
            null,
            null,
            new QueryLimits());

        query.Clusters.ShouldBe(["a", "b"]);
        query.Limit.ShouldBe(3);
        query.LabelSelector!.Single().Key.ShouldBe("app");
        query.WithRemainingCount.ShouldBeTrue();

        // A label selector leaves the unasked count out (as kube-apiserver does); without one it is bounded as configured.
        query.RemainingCountBound.ShouldBe(0);
        SearchQueryBuilder.Build(_deployments, new QueryCollection(new Dictionary<string, StringValues> { ["limit"] = "3" }), null, null, new QueryLimits())
            .RemainingCountBound.ShouldBe(new QueryLimits().RemainingCountBound);
    }
}
