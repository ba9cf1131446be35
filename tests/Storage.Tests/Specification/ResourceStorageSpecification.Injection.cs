namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>Request text never reaches SQL: hostile input is refused (400) or matched literally (empty result).</summary>
public abstract partial class ResourceStorageSpecification<TFixture>
{
    [Theory]
    [InlineData("clusters=cluster-1'%20OR%20'1'='1")]
    [InlineData("namespaces=default%22;%20DROP%20TABLE%20resources;--")]
    [InlineData("names=x')%20OR%201=1--")]
    [InlineData("ownerName=x'%20OR%20'1'='1&ownerGR=deployments.apps")]
    [InlineData("ownerUID=1'%20OR%20'1'='1")]
    [InlineData("fuzzyName='%20OR%201=1--")]
    [InlineData("fieldSelector=status.phase%3DRunning'%20OR%20'1")]
    [InlineData("fieldSelector=spec.nodeName;DROP%3Dx")]
    [InlineData("fieldSelector=metadata.annotations['x%20OR%201%3D1']%3Dy")]
    [InlineData("fieldSelector=metadata.labels['$.a']%3Dweb")]
    [InlineData("fieldSelector=spec['a*b']%3Dc")]
    public async Task ListAsync_InjectionAttemptInValues_EmptyResult(string query)
    {
        var result = await Storage.ListAsync(Url(query), Ct);

        result.Items.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("labelSelector=app%3D'web'%20OR%201%3D1", "labelSelector")]
    [InlineData("labelSelector=app'%20OR%201%3D1--%3Dweb", "labelSelector")]
    [InlineData("labelSelector=a%22b%3Dc", "labelSelector")]
    [InlineData("fieldSelector=metadata.labels[%22a%5C%22%5D%22]%3Dx", "fieldSelector")]
    [InlineData("fieldSelector=status.phase%3DRunning'%20OR%20'1'%3D'1", "fieldSelector")]
    [InlineData("continue=eyJzIjoiYyssbnMrLG4rIiwiayI6WyInIE9SIDE9MS0tIl19", "continue")]
    [InlineData("continue=JyBPUiAxPTEgLS0", "continue")]
    [InlineData("limit=1;DROP", "limit")]
    [InlineData("since=2024-01-01'%20OR%201=1", "since")]
    [InlineData("ownerSeniority=1%20OR%201", "ownerSeniority")]
    public async Task ListAsync_InjectionAttemptInSyntax_InvalidQuery(string query, string field)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(Url(query), Ct));

        error.Field.ShouldBe(field);
    }

    [Fact]
    public async Task ListAsync_ForgedTokenWithQuotesInValues_TreatedAsData()
    {
        // A well-formed token whose values are hostile strings: they are parameters, so the page is just "after" them.
        var token = Convert.ToBase64String("{\"s\":\"c+,ns+,n+\",\"k\":[\"' OR 1=1 --\",\"x\",\"y\"]}"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var result = await Storage.ListAsync(Url("limit=100&continue=" + Uri.EscapeDataString(token)), Ct);

        result.Items.Count.ShouldBe(Fixtures.SeedData.Pods.Count);
    }
}
