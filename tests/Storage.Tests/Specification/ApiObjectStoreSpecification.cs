using System.Text;
using System.Text.Json;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>The API object store specification, run on every engine.</summary>
public abstract class ApiObjectStoreSpecification<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StorageFixture
{
    private const string _resource = "pediaclusters.cluster.clusterpedia.io";

    private IDatabaseObjectStore Store => fixture.Handle.ApiObjects;

    private static ReadOnlyMemory<byte> Json(string name, string apiserver) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"},"spec":{"apiserver":"{{{apiserver}}}"}}""");

    private static string Apiserver(ApiObject o)
    {
        using var document = JsonDocument.Parse(o.Object);
        return document.RootElement.GetProperty("spec").GetProperty("apiserver").GetString()!;
    }

    [Fact]
    public async Task CreateAsync_New_GetReturnsItWithRevision()
    {
        var created = await Store.CreateAsync(_resource, "create-new", Json("create-new", "https://a"), CancellationToken.None);

        var read = await Store.GetAsync(_resource, "create-new", CancellationToken.None);

        read.ShouldNotBeNull();
        read.Revision.ShouldBe(created.Revision);
        Apiserver(read).ShouldBe("https://a");
    }

    [Fact]
    public async Task CreateAsync_Existing_ConflictAlreadyExists()
    {
        await Store.CreateAsync(_resource, "create-twice", Json("create-twice", "https://a"), CancellationToken.None);

        var error = await Should.ThrowAsync<ApiObjectConflictException>(() =>
            Store.CreateAsync(_resource, "create-twice", Json("create-twice", "https://b"), CancellationToken.None));

        error.AlreadyExists.ShouldBeTrue();
    }

    [Fact]
    public async Task UpdateAsync_ExpectedRevision_WritesNewRevision()
    {
        var created = await Store.CreateAsync(_resource, "update-ok", Json("update-ok", "https://a"), CancellationToken.None);

        var updated = await Store.UpdateAsync(_resource, "update-ok", Json("update-ok", "https://b"), created.Revision, CancellationToken.None);

        updated.Revision.ShouldBeGreaterThan(created.Revision);
        Apiserver((await Store.GetAsync(_resource, "update-ok", CancellationToken.None))!).ShouldBe("https://b");
    }

    [Fact]
    public async Task UpdateAsync_StaleRevision_Conflict()
    {
        var created = await Store.CreateAsync(_resource, "update-stale", Json("update-stale", "https://a"), CancellationToken.None);
        await Store.UpdateAsync(_resource, "update-stale", Json("update-stale", "https://b"), null, CancellationToken.None);

        var error = await Should.ThrowAsync<ApiObjectConflictException>(() =>
            Store.UpdateAsync(_resource, "update-stale", Json("update-stale", "https://c"), created.Revision, CancellationToken.None));

        error.AlreadyExists.ShouldBeFalse();
    }

    [Fact]
    public async Task UpdateAsync_Missing_NotFound() =>
        await Should.ThrowAsync<ApiObjectNotFoundException>(() =>
            Store.UpdateAsync(_resource, "update-missing", Json("update-missing", "https://a"), null, CancellationToken.None));

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalse()
    {
        await Store.CreateAsync(_resource, "delete-me", Json("delete-me", "https://a"), CancellationToken.None);

        (await Store.DeleteAsync(_resource, "delete-me", CancellationToken.None)).ShouldBeTrue();
        (await Store.DeleteAsync(_resource, "delete-me", CancellationToken.None)).ShouldBeFalse();
        (await Store.GetAsync(_resource, "delete-me", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task DeleteAsync_AtAnotherRevision_ConflictAndTheObjectStays()
    {
        var created = await Store.CreateAsync(_resource, "delete-stale", Json("delete-stale", "https://a"), CancellationToken.None);
        var updated = await Store.UpdateAsync(_resource, "delete-stale", Json("delete-stale", "https://b"), null, CancellationToken.None);

        var error = await Should.ThrowAsync<ApiObjectConflictException>(() => Store.DeleteAsync(_resource, "delete-stale", created.Revision, CancellationToken.None));

        error.AlreadyExists.ShouldBeFalse();
        var kept = await Store.GetAsync(_resource, "delete-stale", CancellationToken.None);
        kept.ShouldNotBeNull();
        kept.Revision.ShouldBe(updated.Revision);
        Apiserver(kept).ShouldBe("https://b");
        (await Store.DeleteAsync(_resource, "delete-stale", updated.Revision, CancellationToken.None)).ShouldBeTrue();
        (await Store.GetAsync(_resource, "delete-stale", CancellationToken.None)).ShouldBeNull();
        (await Store.DeleteAsync(_resource, "delete-stale", updated.Revision, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task ListAsync_Resource_OrderedByNameAndOnlyThatResource()
    {
        const string Other = "clustersyncresources.cluster.clusterpedia.io";
        await Store.CreateAsync(Other, "list-b", Json("list-b", "x"), CancellationToken.None);
        await Store.CreateAsync(Other, "list-a", Json("list-a", "x"), CancellationToken.None);
        await Store.CreateAsync(Other, "list-C", Json("list-C", "x"), CancellationToken.None);
        await Store.CreateAsync(_resource, "list-other", Json("list-other", "x"), CancellationToken.None);

        var list = await Store.ListAsync(Other, CancellationToken.None);

        list.Select(o => o.Name).ShouldBe(["list-C", "list-a", "list-b"]);
    }

    [Fact]
    public async Task Changed_AfterEachWrite_RaisedWithResource()
    {
        const string Watched = "changed.test.clusterpedia.io";
        var raised = new List<string>();
        void OnChanged(string resource)
        {
            if (resource == Watched)
            {
                lock (raised)
                {
                    raised.Add(resource);
                }
            }
        }

        Store.Changed += OnChanged;
        try
        {
            var created = await Store.CreateAsync(Watched, "x", Json("x", "a"), CancellationToken.None);
            await Store.UpdateAsync(Watched, "x", Json("x", "b"), created.Revision, CancellationToken.None);
            await Store.DeleteAsync(Watched, "x", CancellationToken.None);
            await Store.DeleteAsync(Watched, "x", CancellationToken.None);
        }
        finally
        {
            Store.Changed -= OnChanged;
        }

        raised.Count.ShouldBe(3);
    }
}
