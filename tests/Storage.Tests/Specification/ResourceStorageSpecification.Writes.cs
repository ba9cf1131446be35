using System.Text;
using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    [Fact]
    public async Task GetAsync_SeededPod_ReturnsColumnsAndObject()
    {
        var expected = SeedData.Pods[0];

        var stored = await Storage.GetAsync(expected.Key, Ct);

        stored.ShouldNotBeNull();
        stored.Kind.ShouldBe("Pod");
        stored.Uid.ShouldBe(expected.Uid);
        stored.ResourceVersion.ShouldBe(expected.ResourceVersion);
        stored.CreatedAt.ShouldBe(expected.CreatedAt);
        stored.Revision.ShouldBeGreaterThan(0);
        using var document = JsonDocument.Parse(stored.Object);
        document.RootElement.GetProperty("metadata").GetProperty("name").GetString().ShouldBe(expected.Name);
        document.RootElement.GetProperty("status").GetProperty("phase").GetString().ShouldBe("Running");
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        var stored = await Storage.GetAsync(new ResourceKey("cluster-1", "", "v1", "pods", "default", "nope"), Ct);

        stored.ShouldBeNull();
    }

    [Fact]
    public async Task UpsertAsync_SameResourceVersion_DoesNotRewriteRow()
    {
        var (resource, _) = Private(nameof(UpsertAsync_SameResourceVersion_DoesNotRewriteRow));
        var item = Item(resource, "c", "ns", "a", "5");
        await Storage.UpsertAsync([item], Ct);
        var first = await Storage.GetAsync(item.Key, Ct);

        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "5")], Ct);
        var second = await Storage.GetAsync(item.Key, Ct);

        second!.Revision.ShouldBe(first!.Revision);
    }

    [Fact]
    public async Task UpsertAsync_NewResourceVersion_RewritesWithHigherRevision()
    {
        var (resource, _) = Private(nameof(UpsertAsync_NewResourceVersion_RewritesWithHigherRevision));
        var item = Item(resource, "c", "ns", "a", "5");
        await Storage.UpsertAsync([item], Ct);
        var first = await Storage.GetAsync(item.Key, Ct);

        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "6")], Ct);
        var second = await Storage.GetAsync(item.Key, Ct);

        second!.ResourceVersion.ShouldBe("6");
        second.Revision.ShouldBeGreaterThan(first!.Revision);
    }

    [Fact]
    public async Task UpsertAsync_SameKeyTwiceInBatch_LastWins()
    {
        var (resource, _) = Private(nameof(UpsertAsync_SameKeyTwiceInBatch_LastWins));

        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "1"), Item(resource, "c", "ns", "b", "1"), Item(resource, "c", "ns", "a", "2")], Ct);

        (await Storage.GetAsync(Item(resource, "c", "ns", "a").Key, Ct))!.ResourceVersion.ShouldBe("2");
        (await Storage.GetAsync(Item(resource, "c", "ns", "b").Key, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task UpsertAsync_LargeBatch_WritesEveryRow()
    {
        var (resource, query) = Private(nameof(UpsertAsync_LargeBatch_WritesEveryRow));
        var items = Enumerable.Range(0, 1234).Select(i => Item(resource, "c" + (i % 3), "ns", $"item-{i:D5}")).ToList();

        await Storage.UpsertAsync(items, Ct);

        (await ListAllAsync(query)).Count.ShouldBe(1234);
    }

    [Fact]
    public async Task UpsertAsync_ObjectBytes_RoundTripAsJson()
    {
        var (resource, _) = Private(nameof(UpsertAsync_ObjectBytes_RoundTripAsJson));
        var item = Item(resource, "c", "ns", "ünïcode-\"quoted\"");
        await Storage.UpsertAsync([item], Ct);

        var stored = await Storage.GetAsync(item.Key, Ct);

        using var expected = JsonDocument.Parse(item.Object);
        using var actual = JsonDocument.Parse(stored!.Object);
        JsonElement.DeepEquals(expected.RootElement, actual.RootElement).ShouldBeTrue(Encoding.UTF8.GetString(stored.Object.Span));
    }

    // Members send raw UTF-8 (Go's encoding/json does not escape non-ASCII); the engine must store those bytes as the
    // text they spell, so that what it reads inside the object (a field selector) sees the same characters.
    [Fact]
    public async Task UpsertAsync_RawUtf8Object_ReadBackAndMatchedByFieldSelector()
    {
        var (resource, query) = Private(nameof(UpsertAsync_RawUtf8Object_ReadBackAndMatchedByFieldSelector));
        const string team = "équipe-日本-😀";
        var item = TestObjects.WithObject(
            Item(resource, "c", "ns", "utf8"),
            """{"apiVersion":"test.storage/v1","kind":"Widget","metadata":{"name":"utf8","namespace":"ns","resourceVersion":"1","annotations":{"example.com/team":""" + "\"" + team + "\"}}}");
        await Storage.UpsertAsync([item, Item(resource, "c", "ns", "other")], Ct);

        var stored = await Storage.GetAsync(item.Key, Ct);
        var matched = await Storage.ListAsync(query with { FieldSelector = TypedQuery.Fields($"metadata.annotations['example.com/team']={team}") }, Ct);

        using var document = JsonDocument.Parse(stored!.Object);
        document.RootElement.GetProperty("metadata").GetProperty("annotations").GetProperty("example.com/team").GetString().ShouldBe(team);
        matched.Items.Select(i => i.Name).ShouldBe(["utf8"]);
    }

    [Fact]
    public async Task DeleteAsync_ExistingAndMissingKeys_RemovesExisting()
    {
        var (resource, query) = Private(nameof(DeleteAsync_ExistingAndMissingKeys_RemovesExisting));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a"), Item(resource, "c", "ns", "b")], Ct);
        var before = await Storage.ListAsync(query, Ct);

        await Storage.DeleteAsync([Item(resource, "c", "ns", "a").Key, Item(resource, "c", "ns", "zzz").Key], Ct);

        var after = await Storage.ListAsync(query, Ct);
        after.Items.Select(i => i.Name).ShouldBe(["b"]);
        after.Revision.ShouldBeGreaterThan(before.Revision);
    }

    [Fact]
    public async Task GetResourceVersionsAsync_OneClusterAndResource_ReturnsStoredVersions()
    {
        var versions = await Storage.GetResourceVersionsAsync("cluster-2", new GroupVersionResource("apps", "v1", "deployments"), Ct);

        versions.Count.ShouldBe(2);
        versions[("team-a", "web")].ShouldBe(SeedData.Deployments.Single(d => d.Cluster == "cluster-2" && d.Namespace == "team-a").ResourceVersion);
    }

    [Fact]
    public async Task DeleteClusterAsync_Cluster_RemovesOnlyItsRows()
    {
        var (resource, query) = Private(nameof(DeleteClusterAsync_Cluster_RemovesOnlyItsRows));
        await Storage.UpsertAsync([Item(resource, "gone", "ns", "a"), Item(resource, "gone", "", "b"), Item(resource, "kept", "ns", "a")], Ct);

        await Storage.DeleteClusterAsync("gone", Ct);

        (await ListAllAsync(query)).Select(Id).ShouldBe(["kept/ns/a"]);
    }

    [Fact]
    public async Task DeleteClusterAsync_RowsOfSeveralTypesAndVersions_RemovesEveryOneAndKeepsOtherClusters()
    {
        // No index starts with the cluster: the types are walked. Other clusters' rows sort before and after the
        // removed cluster's within each type, and one type has rows of the other clusters only.
        var (first, firstQuery) = Private("DeleteClusterTypesA");
        var (second, secondQuery) = Private("DeleteClusterTypesB");
        var (third, thirdQuery) = Private("DeleteClusterTypesC");
        var secondVersion = TestObjects.Object("dct-gone", "test.storage", "v2", first, "Widget", "ns", "b", resourceVersion: "1");
        await Storage.UpsertAsync(
            [Item(first, "dct-gone", "ns", "a"), Item(first, "dct-a", "ns", "a"), Item(second, "dct-z", "ns", "a"), Item(third, "dct-gone", "", "c"), Item(third, "dct-z", "ns", "c"), secondVersion],
            Ct);

        var before = await Storage.GetClusterResourcesAsync("dct-gone", Ct);
        await Storage.DeleteClusterAsync("dct-gone", Ct);

        before.Select(t => $"{t.Version}/{t.Resource}").Order(StringComparer.Ordinal).ShouldBe([$"v1/{first}", $"v1/{third}", $"v2/{first}"]);
        (await Storage.GetClusterResourcesAsync("dct-gone", Ct)).ShouldBeEmpty();
        (await Storage.GetAsync(secondVersion.Key, Ct)).ShouldBeNull();
        (await ListAllAsync(firstQuery)).Select(Id).ShouldBe(["dct-a/ns/a"]);
        (await ListAllAsync(secondQuery)).Select(Id).ShouldBe(["dct-z/ns/a"]);
        (await ListAllAsync(thirdQuery)).Select(Id).ShouldBe(["dct-z/ns/c"]);
    }

    [Fact]
    public async Task GetClusterResourcesAsync_UnknownCluster_Empty()
    {
        var (resource, _) = Private(nameof(GetClusterResourcesAsync_UnknownCluster_Empty));
        await Storage.UpsertAsync([Item(resource, "gcr-known", "ns", "a")], Ct);

        (await Storage.GetClusterResourcesAsync("gcr-unknown", Ct)).ShouldBeEmpty();
        (await Storage.GetClusterResourcesAsync("gcr-known", Ct)).ShouldBe([new GroupVersionResource("test.storage", "v1", resource)]);
    }

    [Fact]
    public async Task DeleteClusterResourceAsync_OneResource_KeepsOtherResources()
    {
        var (resource, query) = Private(nameof(DeleteClusterResourceAsync_OneResource_KeepsOtherResources));
        var (other, otherQuery) = Private(nameof(DeleteClusterResourceAsync_OneResource_KeepsOtherResources) + "x");
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a"), Item(other, "c", "ns", "a")], Ct);

        await Storage.DeleteClusterResourceAsync("c", new GroupVersionResource("test.storage", "v1", resource), Ct);

        (await ListAllAsync(query)).ShouldBeEmpty();
        (await ListAllAsync(otherQuery)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ListAsync_Revision_IsHighestRevisionOfStore()
    {
        var (resource, query) = Private(nameof(ListAsync_Revision_IsHighestRevisionOfStore));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a")], Ct);
        var item = await Storage.GetAsync(Item(resource, "c", "ns", "a").Key, Ct);

        var result = await Storage.ListAsync(query, Ct);

        result.Revision.ShouldBeGreaterThanOrEqualTo(item!.Revision);
    }

    [Fact]
    public async Task OpenAsync_SecondTimeOnSameDatabase_SchemaIsIdempotentAndDataKept()
    {
        await using var again = await StorageFactory.OpenAsync(Fixture.Options, Ct);

        var stored = await again.Resources.GetAsync(SeedData.Pods[0].Key, Ct);

        stored.ShouldNotBeNull();
    }

    [Fact]
    public async Task ConcurrentUpserts_ManyWriters_AllRowsWrittenWithDistinctRevisions()
    {
        var (resource, query) = Private(nameof(ConcurrentUpserts_ManyWriters_AllRowsWrittenWithDistinctRevisions));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var batch = 0; batch < 5; batch++)
            {
                await Storage.UpsertAsync(Enumerable.Range(0, 20).Select(i => Item(resource, $"w{w}", "ns", $"b{batch}-{i:D2}")).ToList(), Ct);
            }
        })));

        var items = await ListAllAsync(query);
        items.Count.ShouldBe(8 * 5 * 20);
        items.Select(i => i.Revision).Distinct().Count().ShouldBe(items.Count);
    }
}
