using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>Hostile paging input and the bounded remaining count, on every engine.</summary>
public abstract partial class ResourceStorageSpecification<TFixture>
{
    [Fact]
    public async Task ListAsync_LimitMaxInt_ReturnsEverythingWithoutError()
    {
        var page = await Storage.ListAsync(Pods(limit: int.MaxValue), Ct);

        page.Items.Count.ShouldBe(SeedData.Pods.Count);
        page.Continue.ShouldBeNull();
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\u0000b\"")]
    public async Task ListAsync_ContinueTokenWithUnstorableText_InvalidQueryNamingContinue(string value)
    {
        var first = await Storage.ListAsync(Pods(limit: 1), Ct);
        var token = JsonNode.Parse(Base64Url.DecodeFromChars(first.Continue!))!;
        var keys = token["k"]!.AsArray();

        // Written by hand: a JSON writer refuses to write a lone surrogate, a hostile client does not.
        var forged = $"{{\"s\":{token["s"]!.ToJsonString()},\"k\":[{string.Join(",", keys.Take(keys.Count - 1).Select(k => k!.ToJsonString()).Append(value))}]}}";

        var error = await Should.ThrowAsync<InvalidQueryException>(() =>
            Storage.ListAsync(Pods(limit: 1, continueToken: Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged))), Ct));

        error.Field.ShouldBe("continue");
    }

    [Fact]
    public async Task ListAsync_ContinueTokenWithOutOfRangeTime_InvalidQueryNamingContinue()
    {
        var order = new[] { new OrderByKey(OrderByField.CreatedAt, false) };
        var first = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 1, OrderBy = order }, Ct);
        var token = JsonNode.Parse(Base64Url.DecodeFromChars(first.Continue!))!;
        token["k"]!.AsArray()[0] = long.MaxValue;

        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(
            new ResourceQuery
            {
                Group = "",
                Version = "v1",
                Resource = "pods",
                Limit = 1,
                OrderBy = order,
                Continue = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token.ToJsonString())),
            },
            Ct));

        error.Field.ShouldBe("continue");
    }

    [Fact]
    public async Task ListAsync_RemainingCountBound_CountsBelowTheBound()
    {
        var first = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5, RemainingCountBound = 1000 }, Ct);
        var second = await Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5, RemainingCountBound = 1000, Continue = first.Continue }, Ct);
        var offset = await Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5, RemainingCountBound = 1000, Continue = "3" }, Ct);

        first.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 5);
        second.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 10);
        offset.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 8);
    }

    [Fact]
    public async Task ListAsync_RemainingCountBoundReached_IsUnknown()
    {
        var page = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 1, RemainingCountBound = 2 }, Ct);

        page.Continue.ShouldNotBeNull();
        page.RemainingItemCount.ShouldBeNull();
    }

    [Fact]
    public async Task GetChangesAsync_CreatedAfterRevision_IsNewUpdatedIsNot()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_CreatedAfterRevision_IsNewUpdatedIsNot));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "old")], Ct);
        var start = (await Storage.ListAsync(query, Ct)).Revision;

        await Storage.UpsertAsync([Item(resource, "c", "ns", "old", "2"), Item(resource, "c", "ns", "new")], Ct);
        var changes = await Fixture.Handle.Changes.GetChangesAsync(query, start, 100, Ct);
        var created = changes.Changes.Single(c => c.Resource.Name == "new");
        await Storage.UpsertAsync([Item(resource, "c", "ns", "new", "2")], Ct);
        var later = await Fixture.Handle.Changes.GetChangesAsync(query, created.Resource.Revision, 100, Ct);

        changes.Changes.Select(c => (c.Resource.Name, c.IsNew)).Order().ShouldBe([("new", true), ("old", false)]);
        later.Changes.Single().IsNew.ShouldBeFalse();
    }
}
