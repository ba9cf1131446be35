using System.Text;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>The change feed of our own objects (their watch's history), run on every engine.</summary>
public abstract class ApiObjectChangeFeedSpecification<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StorageFixture
{
    private IApiObjectStore Store => fixture.ApiObjects;

    private IApiObjectChangeFeed Feed => (IApiObjectChangeFeed)fixture.ApiObjects;

    private static ReadOnlyMemory<byte> Json(string name) => Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":"{{{name}}}"}}""");

    [Fact]
    public async Task GetChangesAsync_CreateUpdateDelete_AddedModifiedDeletedInRevisionOrder()
    {
        const string Resource = "feed.test.clusterpedia.io";
        await Store.CreateAsync(Resource, "kept", Json("kept"), CancellationToken.None);
        await Store.CreateAsync(Resource, "gone", Json("gone"), CancellationToken.None);
        var listed = await Feed.ListWithRevisionAsync(Resource, CancellationToken.None);

        await Store.UpdateAsync(Resource, "kept", Json("kept"), null, CancellationToken.None);
        await Store.CreateAsync(Resource, "after", Json("after"), CancellationToken.None);
        await Store.DeleteAsync(Resource, "gone", CancellationToken.None);
        var changes = await Feed.GetChangesAsync(Resource, listed.Revision, CancellationToken.None);

        listed.Items.Select(o => o.Name).ShouldBe(["gone", "kept"]);
        changes.Expired.ShouldBeFalse();
        changes.Changes.Select(c => (c.Object.Name, c.Type, c.IsNew)).ShouldBe(
            [("kept", ResourceChangeType.Upserted, false), ("after", ResourceChangeType.Upserted, true), ("gone", ResourceChangeType.Deleted, false)]);
        changes.Changes.Select(c => c.Object.Revision).ShouldBeInOrder(SortDirection.Ascending);
        changes.Changes[0].Object.Revision.ShouldBeGreaterThan(listed.Revision);
        changes.Revision.ShouldBeGreaterThanOrEqualTo(changes.Changes[^1].Object.Revision);
    }

    [Fact]
    public async Task GetChangesAsync_OtherResource_NotIncluded()
    {
        var listed = await Feed.ListWithRevisionAsync("one.test.clusterpedia.io", CancellationToken.None);
        await Store.CreateAsync("two.test.clusterpedia.io", "x", Json("x"), CancellationToken.None);

        (await Feed.GetChangesAsync("one.test.clusterpedia.io", listed.Revision, CancellationToken.None)).Changes.ShouldBeEmpty();
    }
}
