using static Clusterpedia.Storage.Tests.Fixtures.TypedQuery;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>
/// Request text never reaches SQL: hostile values are refused (400) or matched literally (empty result). The hostile
/// text of the query string itself (selector syntax, numbers, times) is refused earlier, by the API server's parser.
/// </summary>
public abstract partial class ResourceStorageSpecification<TFixture>
{
    [Theory]
    [InlineData("clusters", "cluster-1' OR '1'='1")]
    [InlineData("namespaces", "default\"; DROP TABLE resources;--")]
    [InlineData("names", "x') OR 1=1--")]
    [InlineData("ownerName", "x' OR '1'='1")]
    [InlineData("ownerUID", "1' OR '1'='1")]
    [InlineData("fuzzyName", "' OR 1=1--")]
    [InlineData("fieldSelector", "status.phase=Running' OR '1")]
    [InlineData("fieldSelector", "spec.nodeName;DROP=x")]
    [InlineData("fieldSelector", "metadata.annotations['x OR 1=1']=y")]
    [InlineData("fieldSelector", "metadata.labels['$.a']=web")]
    [InlineData("fieldSelector", "spec['a*b']=c")]
    public async Task ListAsync_InjectionAttemptInValues_EmptyResult(string key, string value)
    {
        var query = key switch
        {
            "clusters" => Pods() with { Clusters = [value] },
            "namespaces" => Pods() with { Namespaces = [value] },
            "names" => Pods() with { Names = [value] },
            "ownerName" => Pods() with { OwnerName = value, OwnerGroupResource = "deployments.apps" },
            "ownerUID" => Pods() with { OwnerUid = value },
            "fuzzyName" => Pods() with { FuzzyName = value },
            _ => Pods() with { FieldSelector = Fields(value) },
        };

        var result = await Storage.ListAsync(query, Ct);

        result.Items.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("app' OR 1=1--", "labelSelector")]
    [InlineData("a\"b", "labelSelector")]
    [InlineData("a/b/c", "labelSelector")]
    [InlineData("", "labelSelector")]
    public async Task ListAsync_HostileLabelKey_InvalidQuery(string key, string field)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() =>
            Storage.ListAsync(Pods() with { LabelSelector = [new LabelMatch(key, MatchOperator.Equals, ["web"])] }, Ct));

        error.Field.ShouldBe(field);
    }

    [Theory]
    [InlineData("a\"]")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task ListAsync_HostileFieldPathSegment_InvalidQuery(string segment)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() =>
            Storage.ListAsync(Pods() with { FieldSelector = [new FieldMatch(["metadata", "labels", segment], MatchOperator.Equals, ["x"])] }, Ct));

        error.Field.ShouldBe("fieldSelector");
    }

    [Theory]
    [InlineData("eyJzIjoiYyssbnMrLG4rIiwiayI6WyInIE9SIDE9MS0tIl19")]
    [InlineData("JyBPUiAxPTEgLS0")]
    public async Task ListAsync_HostileContinueToken_InvalidQuery(string token)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(Pods() with { Limit = 10, Continue = token }, Ct));

        error.Field.ShouldBe("continue");
    }

    [Theory]
    [InlineData(-1, 0, "limit")]
    [InlineData(10, 99, "ownerSeniority")]
    public async Task ListAsync_OutOfRangeNumber_InvalidQuery(int limit, int seniority, string field)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() =>
            Storage.ListAsync(Pods() with { Limit = limit, OwnerUid = "u", OwnerSeniority = seniority }, Ct));

        error.Field.ShouldBe(field);
    }

    [Fact]
    public async Task ListAsync_ForgedTokenWithQuotesInValues_TreatedAsData()
    {
        // A well-formed token whose values are hostile strings: they are parameters, so the page is just "after" them.
        var token = Convert.ToBase64String("{\"s\":\"c+,ns+,n+\",\"k\":[\"' OR 1=1 --\",\"x\",\"y\"]}"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var result = await Storage.ListAsync(Pods() with { Limit = 100, Continue = token }, Ct);

        result.Items.Count.ShouldBe(Fixtures.SeedData.Pods.Count);
    }
}
