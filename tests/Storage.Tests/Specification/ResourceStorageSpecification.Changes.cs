using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private IResourceChangeFeed Changes => Fixture.Handle.Changes;

    private async Task<long> RevisionAsync() => (await Storage.ListAsync(new ResourceQuery { Group = "none", Version = "v0", Resource = "none" }, Ct)).Revision;

    [Fact]
    public async Task GetChangesAsync_UpsertsUpdatesDeletes_LatestStateOfEachInRevisionOrder()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_UpsertsUpdatesDeletes_LatestStateOfEachInRevisionOrder));
        var start = await RevisionAsync();

        await Storage.UpsertAsync([Item(resource, "c", "ns", "a"), Item(resource, "c", "ns", "b")], Ct);
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "2")], Ct);
        await Storage.DeleteAsync([Item(resource, "c", "ns", "b").Key], Ct);
        var changes = await Changes.GetChangesAsync(query, start, 100, Ct);

        changes.Expired.ShouldBeFalse();
        changes.Changes.Select(c => (c.Type, c.Resource.Name, c.Resource.ResourceVersion)).ShouldBe(
            [(ResourceChangeType.Upserted, "a", "2"), (ResourceChangeType.Deleted, "b", "1")]);
        changes.Changes.Select(c => c.Resource.Revision).ShouldBeInOrder(SortDirection.Ascending);
        changes.Revision.ShouldBeGreaterThanOrEqualTo(changes.Changes[^1].Resource.Revision);
    }

    [Fact]
    public async Task GetChangesAsync_Deleted_CarriesLastObject()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_Deleted_CarriesLastObject));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "gone", "7")], Ct);
        var start = await RevisionAsync();

        await Storage.DeleteAsync([Item(resource, "c", "ns", "gone").Key], Ct);
        var change = (await Changes.GetChangesAsync(query, start, 100, Ct)).Changes.Single();

        change.Type.ShouldBe(ResourceChangeType.Deleted);
        change.Resource.Revision.ShouldBeGreaterThan(start);
        using var document = JsonDocument.Parse(change.Resource.Object);
        document.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe("7");
    }

    [Fact]
    public async Task GetChangesAsync_DeletedThenRecreated_DeleteBeforeUpsert()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_DeletedThenRecreated_DeleteBeforeUpsert));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "x")], Ct);
        var start = await RevisionAsync();

        await Storage.DeleteAsync([Item(resource, "c", "ns", "x").Key], Ct);
        await Storage.UpsertAsync([Item(resource, "c", "ns", "x", "9")], Ct);
        var changes = await Changes.GetChangesAsync(query, start, 100, Ct);

        changes.Changes.Select(c => c.Type).ShouldBe([ResourceChangeType.Deleted, ResourceChangeType.Upserted]);
    }

    [Fact]
    public async Task DeleteAsync_BatchWithDuplicatesAndMissingKeys_OneTombstonePerDeletedRowInKeyOrder()
    {
        var (resource, query) = Private(nameof(DeleteAsync_BatchWithDuplicatesAndMissingKeys_OneTombstonePerDeletedRowInKeyOrder));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "3"), Item(resource, "c", "ns", "b", "4"), Item(resource, "c", "ns", "z", "5")], Ct);
        var start = await RevisionAsync();

        await Storage.DeleteAsync(
            [Item(resource, "c", "ns", "z").Key, Item(resource, "c", "ns", "missing").Key, Item(resource, "c", "ns", "a").Key,
                Item(resource, "c", "ns", "z").Key, Item(resource, "other", "ns", "a").Key],
            Ct);
        var changes = await Changes.GetChangesAsync(query, start, 100, Ct);
        var end = await RevisionAsync();

        changes.Changes.Select(c => (c.Type, c.Resource.Name, c.Resource.ResourceVersion)).ShouldBe(
            [(ResourceChangeType.Deleted, "z", "5"), (ResourceChangeType.Deleted, "a", "3")]);
        var revisions = changes.Changes.Select(c => c.Resource.Revision).ToList();
        revisions[0].ShouldBeGreaterThan(start);
        revisions[1].ShouldBe(revisions[0] + 1);
        end.ShouldBeGreaterThanOrEqualTo(revisions[1]);
        (await Storage.ListAsync(query, Ct)).Items.Select(i => i.Name).ShouldBe(["b"]);

        // A later write still gets a revision after every tombstone.
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a", "6")], Ct);
        (await Changes.GetChangesAsync(query, revisions[1], 100, Ct)).Changes.Single().Resource.Revision.ShouldBeGreaterThan(revisions[1]);
    }

    [Fact]
    public async Task DeleteAsync_LargeBatch_AllTombstonedWithDistinctIncreasingRevisions()
    {
        var (resource, query) = Private(nameof(DeleteAsync_LargeBatch_AllTombstonedWithDistinctIncreasingRevisions));
        var items = Enumerable.Range(0, 1200).Select(i => Item(resource, "c", "ns", $"o{i:D4}")).ToList();
        await Storage.UpsertAsync(items, Ct);
        var start = await RevisionAsync();

        await Storage.DeleteAsync(items.Select(i => i.Key).Reverse().ToList(), Ct);
        var changes = await Changes.GetChangesAsync(query, start, 5000, Ct);

        changes.Changes.Count.ShouldBe(1200);
        changes.Changes.ShouldAllBe(c => c.Type == ResourceChangeType.Deleted);
        changes.Changes.Select(c => c.Resource.Name).ShouldBe(items.Select(i => i.Name).Reverse());
        changes.Changes.Select(c => c.Resource.Revision).Distinct().Count().ShouldBe(1200);
        changes.Changes.Select(c => c.Resource.Revision).ShouldBeInOrder(SortDirection.Ascending);
        (await Storage.ListAsync(query, Ct)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task GetChangesAsync_QueryFilters_ApplyToUpsertsAndTombstones()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_QueryFilters_ApplyToUpsertsAndTombstones));
        var start = await RevisionAsync();
        await Storage.UpsertAsync([Item(resource, "c1", "ns", "a"), Item(resource, "c2", "ns", "a"), Item(resource, "c1", "other", "b")], Ct);
        await Storage.DeleteAsync([Item(resource, "c1", "other", "b").Key, Item(resource, "c2", "ns", "a").Key], Ct);

        var changes = await Changes.GetChangesAsync(
            new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, Clusters = ["c1"] }, start, 100, Ct);

        changes.Changes.Select(c => $"{c.Type}:{Id(c.Resource)}").ShouldBe(["Upserted:c1/ns/a", "Deleted:c1/other/b"]);
    }

    [Fact]
    public async Task GetChangesAsync_Limit_PagesByLastRevision()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_Limit_PagesByLastRevision));
        var start = await RevisionAsync();
        await Storage.UpsertAsync(Enumerable.Range(0, 7).Select(i => Item(resource, "c", "ns", $"o{i}")).ToList(), Ct);

        var first = await Changes.GetChangesAsync(query, start, 4, Ct);
        var second = await Changes.GetChangesAsync(query, first.Changes[^1].Resource.Revision, 4, Ct);

        first.Changes.Count.ShouldBe(4);
        second.Changes.Count.ShouldBe(3);
        first.Changes.Concat(second.Changes).Select(c => c.Resource.Name).ShouldBe(Enumerable.Range(0, 7).Select(i => $"o{i}"));
    }

    [Fact]
    public async Task GetChangesAsync_NothingAfterTheRevision_EmptyAtTheStoresRevision()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_NothingAfterTheRevision_EmptyAtTheStoresRevision));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a")], Ct);
        var now = await RevisionAsync();

        var changes = await Changes.GetChangesAsync(query, now, 10, Ct);

        changes.Expired.ShouldBeFalse();
        changes.Changes.ShouldBeEmpty();
        changes.Revision.ShouldBeGreaterThanOrEqualTo(now, "the revision a caught-up watch moves on to is the store's");
    }

    [Fact]
    public async Task GetChangesAsync_PageEndsAtTheStoresRevision_NoChangeLeftOut()
    {
        // The last change carries the store's own revision and fills the page exactly: the read must return it, not
        // stop short of it (the closing row sorts after every change of its revision).
        var (resource, query) = Private(nameof(GetChangesAsync_PageEndsAtTheStoresRevision_NoChangeLeftOut));
        var start = await RevisionAsync();
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a"), Item(resource, "c", "ns", "b"), Item(resource, "c", "ns", "c")], Ct);

        var changes = await Changes.GetChangesAsync(query, start, 3, Ct);

        changes.Changes.Select(c => c.Resource.Name).ShouldBe(["a", "b", "c"]);
        changes.Revision.ShouldBeGreaterThanOrEqualTo(changes.Changes[^1].Resource.Revision);
    }

    [Fact]
    public async Task GetChangesAsync_AfterClusterRemoved_OlderRevisionsExpired()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_AfterClusterRemoved_OlderRevisionsExpired));
        await Storage.UpsertAsync([Item(resource, "doomed", "ns", "a")], Ct);
        var before = await RevisionAsync();

        await Storage.DeleteClusterResourceAsync("doomed", new GroupVersionResource(query.Group, query.Version, resource), Ct);
        var after = await RevisionAsync();

        (await Changes.GetChangesAsync(query, before, 10, Ct)).Expired.ShouldBeTrue();
        (await Changes.GetChangesAsync(query, after, 10, Ct)).Expired.ShouldBeFalse();
    }

    [Fact]
    public async Task GetChangesAsync_TombstonesPastRetention_PrunedAndOlderRevisionsExpired()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_TombstonesPastRetention_PrunedAndOlderRevisionsExpired));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = Fixture.Options;
        options.TombstoneRetention = TimeSpan.FromMinutes(1);
        await using var store = await StorageFactory.OpenAsync(options, clock, null, Ct);
        await store.Resources.UpsertAsync([Item(resource, "c", "ns", "old"), Item(resource, "c", "ns", "new")], Ct);
        var start = await RevisionAsync();
        await store.Resources.DeleteAsync([Item(resource, "c", "ns", "old").Key], Ct);
        var afterFirstDelete = await RevisionAsync();

        clock.Advance(TimeSpan.FromMinutes(2));
        await store.Resources.DeleteAsync([Item(resource, "c", "ns", "new").Key], Ct);

        (await store.Changes.GetChangesAsync(query, start, 10, Ct)).Expired.ShouldBeTrue();
        var recent = await store.Changes.GetChangesAsync(query, afterFirstDelete, 10, Ct);
        recent.Expired.ShouldBeFalse();
        recent.Changes.Select(c => c.Resource.Name).ShouldBe(["new"]);
    }

    [Fact]
    public async Task GetChangesAsync_ZeroLimit_InvalidQueryNamingLimit() =>
        (await Should.ThrowAsync<InvalidQueryException>(() => Changes.GetChangesAsync(Pods(), 0, 0, Ct))).Field.ShouldBe("limit");

    [Fact]
    public async Task ConcurrentWriters_CombinedIntoFewTransactions_EveryWriteLandsWithItsOwnRevision()
    {
        var (resource, query) = Private(nameof(ConcurrentWriters_CombinedIntoFewTransactions_EveryWriteLandsWithItsOwnRevision));
        var start = await RevisionAsync();

        // 16 writers, each creating, updating and deleting its own objects in sequence, all at once.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await Storage.UpsertAsync([Item(resource, "c", $"ns{w}", $"o{i}"), Item(resource, "c", $"ns{w}", $"p{i}")], Ct);
                await Storage.UpsertAsync([Item(resource, "c", $"ns{w}", $"o{i}", "2")], Ct);
                await Storage.DeleteAsync([Item(resource, "c", $"ns{w}", $"p{i}").Key], Ct);
            }
        })));

        var stored = await ListAllAsync(query);
        stored.Count.ShouldBe(16 * 10);
        stored.ShouldAllBe(r => r.Name.StartsWith('o') && r.ResourceVersion == "2");
        stored.Select(r => r.Revision).Distinct().Count().ShouldBe(stored.Count);
        var changes = await Changes.GetChangesAsync(query, start, 1000, Ct);
        changes.Changes.Count(c => c.Type == ResourceChangeType.Deleted).ShouldBe(16 * 10);
        changes.Changes.Select(c => c.Resource.Revision).ShouldBeInOrder(SortDirection.Ascending);
        changes.Changes.Select(c => c.Resource.Revision).Distinct().Count().ShouldBe(changes.Changes.Count);
    }

    [Fact]
    public async Task ConcurrentWriters_SameObjectInEveryBatch_TheBatchWithTheHighestRevisionHoldsIt()
    {
        var (resource, query) = Private(nameof(ConcurrentWriters_SameObjectInEveryBatch_TheBatchWithTheHighestRevisionHoldsIt));

        // Batches queued together share a statement only while their objects differ: each batch here names "shared"
        // (its resourceVersion is the writer's number) and then an object of its own, which takes the next revision.
        await Task.WhenAll(Enumerable.Range(1, 24).Select(w => Task.Run(async () =>
            await Storage.UpsertAsync([Item(resource, "c", "ns", "shared", $"{w}"), Item(resource, "c", "ns", $"own-{w}", $"{w}")], Ct))));

        var stored = await ListAllAsync(query);
        stored.Count.ShouldBe(25);
        var last = stored.Where(r => r.Name.StartsWith("own-", StringComparison.Ordinal)).MaxBy(r => r.Revision)!;
        var shared = stored.Single(r => r.Name == "shared");
        shared.ResourceVersion.ShouldBe(last.ResourceVersion, "the last batch to write the shared object is the one whose own object has the highest revision");
        shared.Revision.ShouldBe(last.Revision - 1);
        stored.Select(r => r.Revision).Distinct().Count().ShouldBe(stored.Count);
    }

    [Fact]
    public async Task UpsertAsync_CancelledBeforeItsTurn_IsNotWrittenLater()
    {
        var (resource, query) = Private(nameof(UpsertAsync_CancelledBeforeItsTurn_IsNotWrittenLater));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => Storage.UpsertAsync([Item(resource, "c", "ns", "withdrawn")], cancelled.Token));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "written")], Ct);

        (await ListAllAsync(query)).Select(r => r.Name).ShouldBe(["written"]);
    }

    [Fact]
    public async Task GetChangesAsync_LabelAndPhaseFilters_ApplyToUpsertsAndDeletes()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_LabelAndPhaseFilters_ApplyToUpsertsAndDeletes));
        var start = await RevisionAsync();
        ResourceRecord Pod(string name, string app, string phase, string rv = "1") =>
            TestObjects.Object("c", "test.storage", "v1", resource, "Widget", "ns", name, new Dictionary<string, string> { ["app"] = app },
                resourceVersion: rv, body: o => o["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = phase });

        await Storage.UpsertAsync([Pod("a", "web", "Running"), Pod("b", "web", "Pending"), Pod("c", "db", "Running")], Ct);
        await Storage.DeleteAsync([Pod("a", "web", "Running").Key, Pod("c", "db", "Running").Key], Ct);
        var filtered = new ResourceQuery
        {
            Group = query.Group,
            Version = query.Version,
            Resource = query.Resource,
            LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["web"])],
            FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.Equals, ["Running"])],
        };

        var changes = await Changes.GetChangesAsync(filtered, start, 100, Ct);

        changes.Changes.Select(c => (c.Type, c.Resource.Name)).ShouldBe([(ResourceChangeType.Deleted, "a")]);
    }
}
