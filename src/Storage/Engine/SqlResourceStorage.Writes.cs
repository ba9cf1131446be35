using System.Data.Common;

namespace Clusterpedia.Storage.Engine;

/// <summary>The write side of <see cref="SqlResourceStorage"/>: batches queued for group commit, written in one transaction.</summary>
internal sealed partial class SqlResourceStorage
{
    private readonly WriteCombiner _combiner = new(writes => WriteCombinedAsync(engine, writes), engine.Dialect.MaxRowsPerWriteTransaction);

    public Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken cancellationToken) =>
        UpsertFencedAsync(records, fence: null, cancellationToken);

    public Task UpsertFencedAsync(IReadOnlyList<ResourceRecord> records, WriteFence? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0
            ? Task.CompletedTask
            : _combiner.WriteAsync(WriteCombiner.PendingWrite.Upsert(LastPerKey(records), fence), cancellationToken);
    }

    public Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken cancellationToken) =>
        DeleteFencedAsync(keys, fence: null, cancellationToken);

    public Task DeleteFencedAsync(IReadOnlyList<ResourceKey> keys, WriteFence? fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);

        // A key named twice is deleted once: its first mention takes the tombstone, as a per-key loop would.
        return keys.Count == 0
            ? Task.CompletedTask
            : _combiner.WriteAsync(WriteCombiner.PendingWrite.Delete(keys.Distinct().ToList(), fence), cancellationToken);
    }

    /// <summary>
    /// Writes queued batches in one transaction, in queue order, each under its own range of revisions (a delete's
    /// unused revisions, for keys not stored, are skipped). Consecutive upsert batches share one statement, and a
    /// transaction that is one such statement takes its revisions in it too, where the engine can. When that statement
    /// is the whole write (no fence to check, no owner to follow after it), it runs on its own, without BEGIN and
    /// COMMIT: it commits as it ends, so the revision row it holds is free one round trip sooner.
    /// </summary>
    private static async Task WriteCombinedAsync(StorageEngine engine, IReadOnlyList<WriteCombiner.PendingWrite> writes)
    {
        var firstRun = writes[0].Upserts is null ? ((int End, IReadOnlyList<ResourceRecord> Records)?)null : UpsertRun(writes, 0);
        var oneStatement = firstRun is var (end, only) && end == writes.Count && engine.Dialect.ReservesInUpsert(only.Count);
        var upserted = oneStatement && IsWholeWrite(engine.Dialect, writes, firstRun!.Value.Records)
            ? await engine.WriteStatementAsync(
                connection => engine.Dialect.ReserveAndUpsertAsync(connection, null, firstRun.Value.Records, engine.Time.GetUtcNow(), CancellationToken.None),
                CancellationToken.None).ConfigureAwait(false)
            : await engine.WriteAsync(
                (connection, transaction) => WriteInTransactionAsync(engine, connection, transaction, writes, firstRun, oneStatement),
                CancellationToken.None).ConfigureAwait(false);
        if (upserted > 0)
        {
            await engine.NoteWrittenAsync(upserted, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the one upsert statement of <paramref name="records"/> is all the write does: no batch carries a fence
    /// (checked in the write's transaction) and no owner is left to follow after it.
    /// </summary>
    private static bool IsWholeWrite(SqlDialect dialect, IReadOnlyList<WriteCombiner.PendingWrite> writes, IReadOnlyList<ResourceRecord> records) =>
        writes.All(w => w.Fence is null) && OwnerFollowUps(Rows(records), dialect.UpsertFollowsOwners).Count == 0;

    /// <summary>The writes of <see cref="WriteCombinedAsync"/> inside its transaction; returns the rows upserted.</summary>
    private static async Task<long> WriteInTransactionAsync(
        StorageEngine engine, DbConnection connection, DbTransaction transaction, IReadOnlyList<WriteCombiner.PendingWrite> writes,
        (int End, IReadOnlyList<ResourceRecord> Records)? firstRun, bool oneStatement)
    {
        var now = engine.Time.GetUtcNow();
        if (oneStatement && firstRun is var (end, only))
        {
            await CheckFencesAsync(engine, connection, transaction, writes, 0, end).ConfigureAwait(false);
            var reserved = await engine.Dialect.ReserveAndUpsertAsync(connection, transaction, only, now, CancellationToken.None).ConfigureAwait(false);
            await FollowOwnersAsync(engine, connection, transaction, only).ConfigureAwait(false);
            return reserved;
        }

        var upserted = 0L;
        var next = await engine.ReserveRevisionsAsync(connection, transaction, writes.Sum(w => (long)w.Rows), CancellationToken.None).ConfigureAwait(false);
        var deleted = false;
        for (var i = 0; i < writes.Count;)
        {
            if (writes[i].Deletes is { } keys)
            {
                await CheckFencesAsync(engine, connection, transaction, writes, i, i + 1).ConfigureAwait(false);
                await engine.Dialect.DeleteAsync(connection, transaction, keys, next, now, CancellationToken.None).ConfigureAwait(false);
                deleted = true;
                next += writes[i].Rows;
                i++;
                continue;
            }

            // Consecutive upserts go in one statement (one plan, one round trip): their records in queue
            // order take the same revisions as batch by batch.
            var (runEnd, records) = i == 0 && firstRun is { } run ? run : UpsertRun(writes, i);
            await CheckFencesAsync(engine, connection, transaction, writes, i, runEnd).ConfigureAwait(false);
            upserted += await engine.Dialect.UpsertAsync(connection, transaction, records, next, now, CancellationToken.None).ConfigureAwait(false);
            await FollowOwnersAsync(engine, connection, transaction, records).ConfigureAwait(false);
            next += records.Count;
            i = runEnd;
        }

        if (deleted)
        {
            await PruneTombstonesAsync(engine, connection, transaction, now - engine.TombstoneRetention, CancellationToken.None).ConfigureAwait(false);
        }

        return upserted;
    }

    /// <summary>Refuses the transaction unless every fenced batch in [from, to) still holds its cluster's lease.</summary>
    private static async Task CheckFencesAsync(
        StorageEngine engine, DbConnection connection, DbTransaction transaction, IReadOnlyList<WriteCombiner.PendingWrite> writes, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (writes[i].Fence is { } fence)
            {
                await SqlSynchroLeaseStore.CheckFenceAsync(engine.Dialect, connection, transaction, fence, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The workload step after an upsert statement (<see cref="FollowOwnersAsync(StorageEngine, DbConnection, DbTransaction, IEnumerable{ValueTuple{string, string, string?, WorkloadColumns}}, bool, CancellationToken)"/>).</summary>
    private static Task FollowOwnersAsync(StorageEngine engine, DbConnection connection, DbTransaction transaction, IReadOnlyList<ResourceRecord> records) =>
        FollowOwnersAsync(engine, connection, transaction, Rows(records), followersDone: engine.Dialect.UpsertFollowsOwners, CancellationToken.None);

    public Task UpdateWorkloadsAsync(IReadOnlyList<WorkloadUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return Task.CompletedTask;
        }

        return WriteAsync(
            async (connection, transaction) =>
            {
                // Holding the revision row as every write does orders this after (and before) them: no lock cycle with
                // a concurrent upsert of the same rows.
                await engine.ReserveRevisionsAsync(connection, transaction, 0, cancellationToken).ConfigureAwait(false);
                await SqlDialect.UpdateWorkloadsAsync(connection, transaction, updates, cancellationToken).ConfigureAwait(false);
                await FollowOwnersAsync(
                    engine, connection, transaction, updates.Select(u => (u.Key.Cluster, u.Uid, u.OwnerUid, u.Workload)),
                    followersDone: false, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>
    /// Keeps rows that follow a middle owner in step with it, both ways: rows just written that follow their owner
    /// take the stored owner's workload, and rows just written that hand theirs down give it to the rows following them.
    /// With <paramref name="followersDone"/> the write itself did the first part (<see cref="SqlDialect.UpsertFollowsOwners"/>).
    /// </summary>
    private static async Task FollowOwnersAsync(
        StorageEngine engine, DbConnection connection, DbTransaction transaction,
        IEnumerable<(string Cluster, string Uid, string? OwnerUid, WorkloadColumns Workload)> rows, bool followersDone, CancellationToken cancellationToken)
    {
        foreach (var (cluster, (followers, owners)) in OwnerFollowUps(rows, followersDone))
        {
            if (followers.Count > 0)
            {
                await engine.Dialect.FollowOwnersAsync(connection, transaction, cluster, [.. followers.Order(StringComparer.Ordinal)], followers: true, cancellationToken).ConfigureAwait(false);
            }

            if (owners.Count > 0)
            {
                await engine.Dialect.FollowOwnersAsync(connection, transaction, cluster, [.. owners.Order(StringComparer.Ordinal)], followers: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// What <see cref="FollowOwnersAsync(StorageEngine, DbConnection, DbTransaction, IEnumerable{ValueTuple{string, string, string?, WorkloadColumns}}, bool, CancellationToken)"/>
    /// has to do, by cluster: the followers just written that still take their owner's workload, and the owners whose
    /// followers must take theirs. Empty when the write leaves nothing to follow.
    /// </summary>
    private static Dictionary<string, (HashSet<string> Followers, HashSet<string> Owners)> OwnerFollowUps(
        IEnumerable<(string Cluster, string Uid, string? OwnerUid, WorkloadColumns Workload)> rows, bool followersDone)
    {
        // cluster → (followers just written, by their own uid; owners whose followers must follow, by the owner's uid)
        var byCluster = new Dictionary<string, (HashSet<string> Followers, HashSet<string> Owners)>(StringComparer.Ordinal);
        foreach (var (cluster, uid, ownerUid, workload) in rows)
        {
            var follower = workload.FollowsOwner && ownerUid is not null && uid.Length > 0;
            var owner = workload.FollowsOwner && !follower ? ownerUid : workload.HandsDown && uid.Length > 0 ? uid : null;
            var followerLeft = follower && !followersDone;
            if (!followerLeft && owner is null)
            {
                continue;
            }

            if (!byCluster.TryGetValue(cluster, out var sets))
            {
                byCluster[cluster] = sets = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
            }

            if (followerLeft)
            {
                sets.Followers.Add(uid);
            }

            if (owner is not null)
            {
                sets.Owners.Add(owner);
            }
        }

        return byCluster;
    }

    private static IEnumerable<(string Cluster, string Uid, string? OwnerUid, WorkloadColumns Workload)> Rows(IReadOnlyList<ResourceRecord> records) =>
        records.Select(r => (r.Cluster, r.Uid, r.OwnerUid, r.Workload));

    /// <summary>Drops tombstones older than the retention; the newest dropped revision becomes the compaction point.</summary>
    private static async Task PruneTombstonesAsync(StorageEngine engine, DbConnection connection, DbTransaction transaction, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        using var compact = Command(connection, transaction, """
            UPDATE storage_compaction
            SET revision = (SELECT MAX(revision) FROM resource_tombstones WHERE deleted_at < @cutoff)
            WHERE id = 1 AND EXISTS (SELECT 1 FROM resource_tombstones WHERE deleted_at < @cutoff)
            """);
        SqlDialect.AddParameter(compact, "@cutoff", engine.Dialect.TimeValue(cutoff));
        await compact.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        using var prune = Command(connection, transaction, "DELETE FROM resource_tombstones WHERE deleted_at < @cutoff");
        SqlDialect.AddParameter(prune, "@cutoff", engine.Dialect.TimeValue(cutoff));
        await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The upsert batches from <paramref name="start"/> on that can share one statement (up to the first delete, or
    /// the first batch naming a key already in the run: a statement may not touch a row twice), and their records.
    /// </summary>
    private static (int End, IReadOnlyList<ResourceRecord> Records) UpsertRun(IReadOnlyList<WriteCombiner.PendingWrite> writes, int start)
    {
        var first = writes[start].Upserts!;
        if (start + 1 == writes.Count || writes[start + 1].Upserts is null)
        {
            return (start + 1, first);
        }

        var keys = new HashSet<ResourceKey>(first.Select(r => r.Key));
        var records = new List<ResourceRecord>(first);
        var end = start + 1;
        for (; end < writes.Count && writes[end].Upserts is { } more; end++)
        {
            if (more.Any(r => keys.Contains(r.Key)))
            {
                break;
            }

            keys.UnionWith(more.Select(r => r.Key));
            records.AddRange(more);
        }

        return (end, records);
    }

    private static IReadOnlyList<ResourceRecord> LastPerKey(IReadOnlyList<ResourceRecord> records)
    {
        // A statement may not touch the same row twice (PostgreSQL refuses it): the last record of a key wins.
        var index = new Dictionary<ResourceKey, int>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            index[records[i].Key] = i;
        }

        return index.Count == records.Count ? records : index.Values.Order().Select(i => records[i]).ToList();
    }
}
