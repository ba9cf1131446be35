using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>
/// The synchro lease and write fence specification, run on every engine: one holder per lease, a new generation per
/// change of holder, expiry and release by the database clock, and batches of a stale generation refused inside
/// the write transaction (alone, when group-committed with others).
/// </summary>
public abstract class SynchroLeaseSpecification<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StorageFixture
{
    private static readonly TimeSpan _long = TimeSpan.FromMinutes(5);

    private ISynchroLeaseStore Leases => fixture.Handle.Leases;

    private IResourceStorage Storage => fixture.Resources;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task TryAcquireAsync_NewThenRenewedThenContested_OneHolderAndStableGeneration()
    {
        var first = await Leases.TryAcquireAsync("lease-new", "replica-a", _long, Ct);
        var renewed = await Leases.TryAcquireAsync("lease-new", "replica-a", _long, Ct);
        var contested = await Leases.TryAcquireAsync("lease-new", "replica-b", _long, Ct);

        first.ShouldBe(1);
        renewed.ShouldBe(1);
        contested.ShouldBeNull();
        var stored = (await Leases.ListAsync(Ct)).Single(l => l.Cluster == "lease-new");
        stored.ShouldBe(new SynchroLease("lease-new", "replica-a", 1, Expired: false));
    }

    [Fact]
    public async Task TryAcquireAsync_Expired_TakenByAnotherWithNextGeneration()
    {
        (await Leases.TryAcquireAsync("lease-expiring", "replica-a", TimeSpan.FromMilliseconds(200), Ct)).ShouldBe(1);

        await Eventually.UntilAsync(
            async () => (await Leases.ListAsync(Ct)).Single(l => l.Cluster == "lease-expiring").Expired,
            TimeSpan.FromSeconds(10), "the 200 ms lease never expired by the database clock");
        var taken = await Leases.TryAcquireAsync("lease-expiring", "replica-b", _long, Ct);
        var formerHolder = await Leases.TryAcquireAsync("lease-expiring", "replica-a", _long, Ct);

        taken.ShouldBe(2);
        formerHolder.ShouldBeNull();
    }

    [Fact]
    public async Task ReleaseAsync_Held_AnotherTakesAtOnceWithNextGeneration()
    {
        (await Leases.TryAcquireAsync("lease-released", "replica-a", _long, Ct)).ShouldBe(1);
        await Leases.ReleaseAsync("lease-released", "replica-b", Ct);
        (await Leases.TryAcquireAsync("lease-released", "replica-b", _long, Ct)).ShouldBeNull("a release by a non-holder changes nothing");

        await Leases.ReleaseAsync("lease-released", "replica-a", Ct);
        var taken = await Leases.TryAcquireAsync("lease-released", "replica-b", _long, Ct);

        taken.ShouldBe(2);
    }

    [Fact]
    public async Task TryAcquireAsync_ManyReplicasAtOnce_ExactlyOneWins()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Leases.TryAcquireAsync("lease-race", $"replica-{i}", _long, Ct)));

        attempts.Count(a => a is not null).ShouldBe(1);
        attempts.Single(a => a is not null).ShouldBe(1);
    }

    [Fact]
    public async Task SetAsync_AnyState_StoresHolderAndGeneration()
    {
        (await Leases.TryAcquireAsync("lease-set", "replica-a", _long, Ct)).ShouldBe(1);

        await Leases.SetAsync("lease-set", "replica-b", 7, _long, Ct);

        (await Leases.ListAsync(Ct)).Single(l => l.Cluster == "lease-set").ShouldBe(new SynchroLease("lease-set", "replica-b", 7, Expired: false));
        (await Leases.TryAcquireAsync("lease-set", "replica-b", _long, Ct)).ShouldBe(7);
    }

    [Fact]
    public async Task HeartbeatAsync_TwoShards_EachSeesItsOwnLiveReplicasUntilLeave()
    {
        await Leases.HeartbeatAsync("hb-a", "hb-shard", _long, Ct);
        await Leases.HeartbeatAsync("hb-other", "hb-other-shard", _long, Ct);
        var live = await Leases.HeartbeatAsync("hb-b", "hb-shard", _long, Ct);
        live.ShouldBe(["hb-a", "hb-b"]);

        await Leases.LeaveAsync("hb-a", Ct);
        (await Leases.HeartbeatAsync("hb-b", "hb-shard", _long, Ct)).ShouldBe(["hb-b"]);
    }

    [Fact]
    public async Task UpsertAsync_CurrentGeneration_Written()
    {
        var generation = (await Leases.TryAcquireAsync("fence-current", "replica-a", _long, Ct))!.Value;
        var pod = TestObjects.Pod("fence-current", "default", "p1");

        await Storage.UpsertFencedAsync([pod], new WriteFence("fence-current", generation), Ct);

        (await Storage.GetAsync(pod.Key, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task UpsertAsync_StaleGeneration_RefusedAndNothingWritten()
    {
        var old = (await Leases.TryAcquireAsync("fence-stale", "replica-a", _long, Ct))!.Value;
        await Leases.ReleaseAsync("fence-stale", "replica-a", Ct);
        (await Leases.TryAcquireAsync("fence-stale", "replica-b", _long, Ct)).ShouldBe(old + 1);
        var pod = TestObjects.Pod("fence-stale", "default", "p1");

        var refused = await Should.ThrowAsync<FencedWriteException>(() => Storage.UpsertFencedAsync([pod], new WriteFence("fence-stale", old), Ct));

        refused.StoredGeneration.ShouldBe(old + 1);
        refused.Message.ShouldContain("fence-stale");
        (await Storage.GetAsync(pod.Key, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task DeleteAsync_StaleGeneration_RefusedAndRowKept()
    {
        var old = (await Leases.TryAcquireAsync("fence-delete", "replica-a", _long, Ct))!.Value;
        var pod = TestObjects.Pod("fence-delete", "default", "p1");
        await Storage.UpsertFencedAsync([pod], new WriteFence("fence-delete", old), Ct);
        await Leases.SetAsync("fence-delete", "replica-b", old + 1, _long, Ct);

        await Should.ThrowAsync<FencedWriteException>(() => Storage.DeleteFencedAsync([pod.Key], new WriteFence("fence-delete", old), Ct));

        (await Storage.GetAsync(pod.Key, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task UpsertAsync_NoLeaseRow_Refused()
    {
        var pod = TestObjects.Pod("fence-missing", "default", "p1");

        var refused = await Should.ThrowAsync<FencedWriteException>(() => Storage.UpsertFencedAsync([pod], new WriteFence("fence-missing", 1), Ct));

        refused.StoredGeneration.ShouldBeNull();
    }

    [Fact]
    public async Task UpsertAsync_StaleBatchAmongConcurrentOnes_FailsAloneOthersWritten()
    {
        var current = (await Leases.TryAcquireAsync("fence-group-ok", "replica-a", _long, Ct))!.Value;
        await Leases.SetAsync("fence-group-stale", "replica-b", 5, _long, Ct);
        var good = Enumerable.Range(0, 20).Select(i => TestObjects.Pod("fence-group-ok", "default", $"p{i}")).ToList();
        var stale = Enumerable.Range(0, 20).Select(i => TestObjects.Pod("fence-group-stale", "default", $"p{i}")).ToList();

        // Queued together, the combiner may put them in one transaction: the stale ones must fail alone.
        var writes = good.Select(p => Storage.UpsertFencedAsync([p], new WriteFence("fence-group-ok", current), Ct))
            .Concat(stale.Select(p => Storage.UpsertFencedAsync([p], new WriteFence("fence-group-stale", 4), Ct)))
            .Select(async t =>
            {
                try
                {
                    await t;
                    return true;
                }
                catch (FencedWriteException)
                {
                    return false;
                }
            })
            .ToList();
        var outcomes = await Task.WhenAll(writes);

        outcomes.Take(good.Count).ShouldAllBe(ok => ok);
        outcomes.Skip(good.Count).ShouldAllBe(ok => !ok);
        foreach (var p in good)
        {
            (await Storage.GetAsync(p.Key, Ct)).ShouldNotBeNull();
        }

        foreach (var p in stale)
        {
            (await Storage.GetAsync(p.Key, Ct)).ShouldBeNull();
        }
    }
}
