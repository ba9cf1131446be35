using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>
/// A list is one statement that reads its rows and the store's revision in one snapshot (no transaction), and an
/// unlimited list can be read row by row: the revision must still describe exactly the rows returned.
/// </summary>
public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static async Task<(List<StoredResource> Items, long Revision)> ReadAllAsync(ResourceListReader reader)
    {
        var items = new List<StoredResource>();
        while (await reader.ReadAsync(Ct) is { } item)
        {
            items.Add(item);
        }

        return (items, reader.Revision);
    }

    [Fact]
    public async Task OpenListAsync_Unlimited_SameItemsAndRevisionAsListAsync()
    {
        var listed = await Storage.ListAsync(Pods(), Ct);
        var reader = await Storage.OpenListAsync(Pods(), Ct);
        await using (reader)
        {
            var (items, revision) = await ReadAllAsync(reader);

            items.Select(Id).ShouldBe(listed.Items.Select(Id).ToArray());
            items.Select(i => i.Object.Length).ShouldBe(listed.Items.Select(i => i.Object.Length).ToArray());
            revision.ShouldBe(listed.Revision);
        }
    }

    [Fact]
    public async Task OpenListAsync_WithLimit_ThePageOnly()
    {
        var reader = await Storage.OpenListAsync(Pods(limit: 3), Ct);
        await using (reader)
        {
            (await ReadAllAsync(reader)).Items.Select(Id).ShouldBe(DefaultOrder(SeedData.Pods).Take(3).Select(Id).ToArray());
        }
    }

    [Fact]
    public async Task OpenListAsync_BadInput_ThrowsBeforeAnyRow()
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.OpenListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Continue = "not-a-token!" }, Ct));

        error.Field.ShouldBe("continue");
    }

    [Fact]
    public async Task OpenListAsync_DisposedAfterOneRow_ConnectionsGoBack()
    {
        // A client that goes away mid-list leaves the rest unread; far more of them than a pool holds must still work.
        for (var i = 0; i < 150; i++)
        {
            var reader = await Storage.OpenListAsync(Pods(), Ct);
            await using (reader)
            {
                (await reader.ReadAsync(Ct)).ShouldNotBeNull();
            }
        }

        (await ListAllAsync(Pods())).Count.ShouldBe(SeedData.Pods.Count);
    }

    [Fact]
    public async Task ListAsync_Empty_RevisionOfTheStore()
    {
        var (resource, query) = Private(nameof(ListAsync_Empty_RevisionOfTheStore));
        var (_, empty) = Private(nameof(ListAsync_Empty_RevisionOfTheStore) + "none");
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a")], Ct);

        var written = (await ListAllAsync(query)).Single().Revision;
        var page = await Storage.ListAsync(empty, Ct);
        var reader = await Storage.OpenListAsync(empty, Ct);
        await using (reader)
        {
            page.Items.ShouldBeEmpty();
            page.Revision.ShouldBeGreaterThanOrEqualTo(written);
            (await ReadAllAsync(reader)).Items.ShouldBeEmpty();
            reader.Revision.ShouldBeGreaterThanOrEqualTo(written);
        }
    }

    [Fact]
    public async Task ListAsync_EmptyPageAfterContinue_RevisionOfTheStore()
    {
        var (resource, query) = Private(nameof(ListAsync_EmptyPageAfterContinue_RevisionOfTheStore));
        await Storage.UpsertAsync([Item(resource, "c", "ns", "a"), Item(resource, "c", "ns", "b")], Ct);

        var page = await Storage.ListAsync(query with { Limit = 5, Continue = "2" }, Ct);

        page.Items.ShouldBeEmpty();
        page.Continue.ShouldBeNull();
        page.Revision.ShouldBeGreaterThanOrEqualTo((await ListAllAsync(query)).Max(i => i.Revision));
    }

    [Fact]
    public async Task ListAsync_WhileWriting_RevisionCoversExactlyTheRowsReturned()
    {
        // Each write adds one new key; a list's revision must cover exactly the keys it returns: a row newer than the
        // revision, or a row at or below it that is missing, would make a watch from that revision repeat or lose it.
        var (resource, query) = Private(nameof(ListAsync_WhileWriting_RevisionCoversExactlyTheRowsReturned));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 60 && !stop.IsCancellationRequested; i++)
            {
                await Storage.UpsertAsync([Item(resource, "c", "ns", "k" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture))], Ct);
            }
        });

        var lists = new List<(HashSet<string> Names, long Revision)>();
        while (!writer.IsCompleted)
        {
            var page = await Storage.ListAsync(query, Ct);
            lists.Add(([.. page.Items.Select(i => i.Name)], page.Revision));
            var reader = await Storage.OpenListAsync(query, Ct);
            await using (reader)
            {
                var (items, revision) = await ReadAllAsync(reader);
                lists.Add(([.. items.Select(i => i.Name)], revision));
            }
        }

        await writer;
        var written = (await ListAllAsync(query)).ToDictionary(i => i.Name, i => i.Revision);
        written.Count.ShouldBe(60);
        foreach (var (names, revision) in lists)
        {
            names.OrderBy(n => n, StringComparer.Ordinal).ShouldBe(
                written.Where(w => w.Value <= revision).Select(w => w.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        }
    }
}
