using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    [Fact]
    public Task ListAsync_NoConditions_AllPodsInClusterNamespaceNameOrder() =>
        ExpectPodsAsync(Pods(), _ => true);

    [Fact]
    public Task ListAsync_OtherResource_OnlyThatResource() =>
        ExpectAsync(new ResourceQuery { Group = "apps", Version = "v1", Resource = "deployments" }, DefaultOrder(SeedData.Deployments));

    [Fact]
    public Task ListAsync_OtherVersion_Nothing() =>
        ExpectAsync(new ResourceQuery { Group = "apps", Version = "v1beta1", Resource = "deployments" }, []);

    [Fact]
    public async Task ListAsync_LimitAndContinue_EveryPodOnceInOrder()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Storage.ListAsync(Pods(limit: 4, continueToken: token), Ct);
            page.Items.Count.ShouldBeLessThanOrEqualTo(4);
            seen.AddRange(page.Items.Select(Id));
            token = page.Continue;
            pages++;
        }
        while (token is not null);

        seen.ShouldBe(DefaultOrder(SeedData.Pods).Select(Id).ToArray());
        pages.ShouldBe((SeedData.Pods.Count + 3) / 4);
    }

    [Fact]
    public async Task ListAsync_LimitEqualsCount_NoContinue()
    {
        var page = await Storage.ListAsync(Pods(limit: SeedData.Pods.Count), Ct);

        page.Items.Count.ShouldBe(SeedData.Pods.Count);
        page.Continue.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_WithContinueFalse_NoToken()
    {
        var page = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 2, WithContinue = false }, Ct);

        page.Items.Count.ShouldBe(2);
        page.Continue.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_WithRemainingCount_CountsObjectsAfterPage()
    {
        var first = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5, WithRemainingCount = true }, Ct);
        var second = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5, WithRemainingCount = true, Continue = first.Continue }, Ct);

        first.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 5);
        second.RemainingItemCount.ShouldBe(SeedData.Pods.Count - 10);
    }

    [Fact]
    public async Task ListAsync_WithoutRemainingCount_IsNull()
    {
        var page = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 5 }, Ct);

        page.RemainingItemCount.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_IntegerOffsetContinue_ClusterpediaFormPagesTheSameOrder()
    {
        var page = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 3, Continue = "3" }, Ct);

        page.Items.Select(Id).ShouldBe(DefaultOrder(SeedData.Pods).Skip(3).Take(3).Select(Id).ToArray());
        page.Continue.ShouldBe("6");
    }

    [Fact]
    public async Task ListAsync_TokenFromOtherOrder_InvalidQueryNamingContinue()
    {
        var page = await Storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 2 }, Ct);

        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 2, Continue = page.Continue, OrderBy = [new(OrderByField.Name, true)] }, Ct));

        error.Field.ShouldBe("continue");
    }

    [Theory]
    [InlineData("not-a-token!")]
    [InlineData("eyJzIjoiYyssbnMrLG4rIiwiayI6WzEsMiwzXX0")]
    [InlineData("eyJzIjoxfQ")]
    [InlineData("JyBPUiAxPTEgLS0")]
    [InlineData("-1")]
    public async Task ListAsync_MalformedContinue_InvalidQueryNamingContinue(string token)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = 2, Continue = token }, Ct));

        error.Field.ShouldBe("continue");
    }

    [Fact]
    public async Task ListAsync_NegativeLimit_InvalidQueryNamingLimit()
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(
            new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = -1 }, Ct));

        error.Field.ShouldBe("limit");
    }

    [Fact]
    public async Task ListAsync_PagingWhileOthersInsertAndDelete_EachPreexistingObjectOnce()
    {
        var (resource, query) = Private(nameof(ListAsync_PagingWhileOthersInsertAndDelete_EachPreexistingObjectOnce));
        const int Count = 10_000;

        // Every third pre-existing object is doomed: the writer deletes them while the reader pages. The others exist
        // throughout and must each be seen exactly once; a doomed one at most once; nothing twice.
        var existing = Enumerable.Range(0, Count).Select(i => Item(resource, $"c{i % 4}", $"ns{i % 7}", $"obj-{i:D5}")).ToList();
        var doomed = existing.Where((_, i) => i % 3 == 0).ToList();
        var stable = existing.Where((_, i) => i % 3 != 0).Select(Id).ToHashSet(StringComparer.Ordinal);
        await Storage.UpsertAsync(existing, Ct);

        using var stop = new CancellationTokenSource();
        var deletedDuringPaging = 0;
        var writer = Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                // New objects land before and after the cursor; updates rewrite pre-existing rows.
                await Storage.UpsertAsync(
                    [
                        Item(resource, $"c{n % 4}", $"ns{n % 7}", $"new-{n:D5}"),
                        Item(resource, $"c{n % 4}", $"ns{n % 7}", $"obj-{n % Count:D5}", resourceVersion: "2"),
                        Item(resource, "c0", "a-first", $"new-{n:D5}"),
                        Item(resource, "z-last", "ns", $"new-{n:D5}"),
                    ],
                    CancellationToken.None);

                // Deletions before and after the cursor: a doomed pre-existing row (spread over the whole key range)
                // and a row inserted a moment ago.
                var keys = new List<ResourceKey> { Key(Item(resource, $"c{n % 4}", $"ns{n % 7}", $"new-{n:D5}")) };
                if (n < doomed.Count)
                {
                    keys.Add(Key(doomed[(int)((long)n * 7919 % doomed.Count)]));
                    Interlocked.Increment(ref deletedDuringPaging);
                }

                await Storage.DeleteAsync(keys, CancellationToken.None);
                n++;
            }
        });

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Storage.ListAsync(new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, Limit = 500, Continue = token }, Ct);
            seen.AddRange(page.Items.Where(i => i.Name.StartsWith("obj-", StringComparison.Ordinal)).Select(Id));
            token = page.Continue;

            // Page slowly enough that the writer deletes while the reader is in the middle of the list.
            if (++pages == 2)
            {
                await Eventually.TrueAsync(() => Volatile.Read(ref deletedDuringPaging) >= 50, "the writer to delete 50 rows", TimeSpan.FromSeconds(30));
            }
        }
        while (token is not null);
        await stop.CancelAsync();
        await writer;

        deletedDuringPaging.ShouldBeGreaterThanOrEqualTo(50, "the writer must have deleted rows while the reader paged");
        seen.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("no object may appear twice");
        stable.Except(seen, StringComparer.Ordinal).ShouldBeEmpty("every object that existed throughout must be seen");
        var doomedIds = doomed.Select(Id).ToHashSet(StringComparer.Ordinal);
        seen.Where(s => !stable.Contains(s)).ShouldAllBe(s => doomedIds.Contains(s));
    }

    private static ResourceKey Key(ResourceRecord r) => new(r.Cluster, r.Group, r.Version, r.Resource, r.Namespace, r.Name);
}
