using System.Data.Common;
using System.Globalization;
using Clusterpedia.Kube;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// <see cref="IResourceStorage"/> over a SQL engine. Writes are raw parameterized SQL in one transaction that also
/// takes the revisions; reads by key and searches are our own SQL (searches through <see cref="ListQueryBuilder"/>.
/// A delete moves the row to resource_tombstones under a new revision (kept for the retention, for the change feed);
/// on PostgreSQL one statement per batch. A fenced batch (a sharded synchro's) is written only while its cluster's
/// lease generation is still the batch's.
/// </summary>
internal sealed class SqlResourceStorage(StorageEngine engine) : IResourceStorage, IResourceChangeFeed
{
    private readonly WriteCombiner _combiner = new(writes => WriteCombinedAsync(engine, writes));

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
    /// transaction that is one such statement takes its revisions in it too, where the engine can.
    /// </summary>
    private static async Task WriteCombinedAsync(StorageEngine engine, IReadOnlyList<WriteCombiner.PendingWrite> writes)
    {
        var total = writes.Sum(w => (long)w.Rows);
        var upserted = 0L;
        await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var now = engine.Time.GetUtcNow();
                if (writes[0].Upserts is not null && UpsertRun(writes, 0) is var (end, only) && end == writes.Count && engine.Dialect.ReservesInUpsert(only.Count))
                {
                    await CheckFencesAsync(engine, connection, transaction, writes, 0, end).ConfigureAwait(false);
                    upserted = await engine.Dialect.ReserveAndUpsertAsync(connection, transaction, only, now, CancellationToken.None).ConfigureAwait(false);
                    await FollowOwnersAsync(engine, connection, transaction, only).ConfigureAwait(false);
                    return true;
                }

                var next = await engine.ReserveRevisionsAsync(connection, transaction, total, CancellationToken.None).ConfigureAwait(false);
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
                    var (runEnd, records) = UpsertRun(writes, i);
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

                return true;
            },
            CancellationToken.None).ConfigureAwait(false);
        if (upserted > 0)
        {
            await engine.NoteWrittenAsync(upserted, CancellationToken.None).ConfigureAwait(false);
        }
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
        FollowOwnersAsync(
            engine, connection, transaction, records.Select(r => (r.Cluster, r.Uid, r.OwnerUid, r.Workload)),
            followersDone: engine.Dialect.UpsertFollowsOwners, CancellationToken.None);

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

        foreach (var (cluster, (followers, owners)) in byCluster)
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

    public async Task<StoredResource?> GetAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT {ListQueryBuilder.Columns}, {engine.Dialect.ObjectColumn} FROM resources r ")
            .Append($"WHERE r.cluster = {sql.Param(key.Cluster)} AND r.\"group\" = {sql.Param(key.Group)} AND r.version = {sql.Param(key.Version)} ")
            .Append($"AND r.resource = {sql.Param(key.Resource)} AND r.namespace = {sql.Param(key.Namespace)} AND r.name = {sql.Param(key.Name)}");
        var rows = await engine.QueryAsync(sql, r => Read(r, onlyMetadata: false), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<ResourceListResult> ListAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        // Validation happens here, before any connection is opened.
        var plan = ListQueryBuilder.Build(query, engine.Dialect);
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement outside any transaction: it reads the rows, the store's revision and the count after the
            // page in one snapshot, so a page is one round trip.
            return await ReadPageAsync(plan, query, connection, transaction: null, cancellationToken).ConfigureAwait(false)
                ?? await ReadEmptyPageAsync(plan, query, connection, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ResourceListReader> OpenListAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is > 0)
        {
            // A page is bounded (Limits:Query:MaxLimit) and its continue token is known only after its last row.
            return ResourceListReader.FromResult(await ListAsync(query, cancellationToken).ConfigureAwait(false));
        }

        var plan = ListQueryBuilder.Build(query, engine.Dialect);
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        DbCommand? command = null;
        DbDataReader? reader = null;
        var handedOver = false;
        try
        {
            command = plan.Statement.CreateCommand(connection, transaction: null);
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var revision = ReadInt64(reader, ListQueryBuilder.RevisionOrdinal);
                var first = Read(reader, query.OnlyMetadata);
                var rows = new SqlListReader(connection, command, reader, first, revision, r => Read(r, query.OnlyMetadata));
                handedOver = true;
                return rows;
            }

            await reader.DisposeAsync().ConfigureAwait(false);
            reader = null;
            return ResourceListReader.FromResult(await ReadEmptyPageAsync(plan, query, connection, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            if (!handedOver)
            {
                if (reader is not null)
                {
                    await reader.DisposeAsync().ConfigureAwait(false);
                }

                command?.Dispose();
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads a page with the plan's statement; null when it has no row (an empty page carries no revision).</summary>
    private async Task<ResourceListResult?> ReadPageAsync(
        ListPlan plan, ResourceQuery query, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var items = new List<StoredResource>(plan.Limit is { } l ? Math.Min(l, 1023) + 1 : 64);
        long revision = 0;
        long? counted = null;
        using (var command = plan.Statement.CreateCommand(connection, transaction))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (items.Count == 0)
                    {
                        revision = ReadInt64(reader, ListQueryBuilder.RevisionOrdinal);
                        counted = plan.CountsRemaining ? ReadInt64(reader, ListQueryBuilder.RemainingOrdinal) : null;
                    }

                    items.Add(Read(reader, query.OnlyMetadata));
                }
            }
        }

        if (items.Count == 0)
        {
            return null;
        }

        var more = plan.Limit is { } limit && items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        // The count's filters include the page's own keyset condition, so it skipped the page's rows (and an integer
        // offset). Unasked, it read at most RemainingCountBound rows, and a count that reaches the bound is unknown
        // (null), as kube-apiserver allows.
        long? remaining = null;
        if (more && counted is { } count)
        {
            remaining = plan.CountsAll
                ? Math.Max(0, count - ((plan.Offset ?? 0) + items.Count))
                : count < query.RemainingCountBound ? count : null;
        }

        string? next = null;
        if (more && query.WithContinue != false)
        {
            next = plan.Offset is { } offset
                ? (offset + items.Count).ToString(CultureInfo.InvariantCulture)
                : ContinueToken.Encode(plan.Sort, items[^1], revision);
        }

        return new ResourceListResult { Items = items, Continue = next, RemainingItemCount = remaining, Revision = revision };
    }

    /// <summary>
    /// The revision of a page that came back empty. One more statement reads the revision and re-checks the page's
    /// filters in one snapshot; only when rows were written in between is the page read again, in a read transaction.
    /// </summary>
    private async Task<ResourceListResult> ReadEmptyPageAsync(ListPlan plan, ResourceQuery query, DbConnection connection, CancellationToken cancellationToken)
    {
        using (var check = plan.Statement.CreateCommand(connection, transaction: null, ListQueryBuilder.EmptyCheck(plan), plan.CountParameterCount))
        {
            var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (ReadInt64(reader, 1) == 0)
                {
                    return new ResourceListResult { Items = [], Revision = ReadInt64(reader, 0) };
                }
            }
        }

        var transaction = await engine.Dialect.BeginReadTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var page = await ReadPageAsync(plan, query, connection, transaction, cancellationToken).ConfigureAwait(false)
                ?? new ResourceListResult { Items = [], Revision = await StorageEngine.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) };
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return page;
        }
    }

    private static long ReadInt64(DbDataReader reader, int ordinal) =>
        Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public async Task<ResourceChanges> GetChangesAsync(ResourceQuery query, long afterRevision, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            throw new InvalidQueryException("limit", $"limit must be a positive integer, got {limit}");
        }

        var sql = ListQueryBuilder.Changes(query, engine.Dialect, afterRevision, limit);
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await engine.Dialect.BeginReadTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var revision = await StorageEngine.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                using (var compacted = Command(connection, transaction, "SELECT revision FROM storage_compaction WHERE id = 1"))
                {
                    if (afterRevision < Convert.ToInt64(await compacted.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture))
                    {
                        return new ResourceChanges { Changes = [], Revision = revision, Expired = true };
                    }
                }

                var changes = new List<ResourceChange>();
                using (var command = sql.CreateCommand(connection, transaction))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var type = Convert.ToInt32(reader.GetValue(ListQueryBuilder.ObjectOrdinal + 1), CultureInfo.InvariantCulture) == 0 ? ResourceChangeType.Upserted : ResourceChangeType.Deleted;
                            var created = Convert.ToInt64(reader.GetValue(ListQueryBuilder.ObjectOrdinal + 2), CultureInfo.InvariantCulture);
                            changes.Add(new ResourceChange(type, Read(reader, query.OnlyMetadata)) { IsNew = type == ResourceChangeType.Upserted && created > afterRevision });
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ResourceChanges { Changes = changes, Revision = revision };
            }
        }
    }

    public async Task<IReadOnlyDictionary<(string Namespace, string Name), string>> GetResourceVersionsAsync(
        string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT namespace, name, resource_version FROM resources WHERE cluster = {sql.Param(cluster)} ")
            .Append($"AND \"group\" = {sql.Param(resource.Group)} AND version = {sql.Param(resource.Version)} AND resource = {sql.Param(resource.Resource)}");
        var rows = await engine.QueryAsync(sql, r => (Key: (r.GetString(0), r.GetString(1)), Version: r.GetString(2)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Version);
    }

    public Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append(engine.Dialect.DeleteResourcesText($"cluster = {sql.Param(cluster)}"));
        return ExecuteWriteAsync(sql, cancellationToken);
    }

    public Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append(engine.Dialect.DeleteResourcesText(
            $"cluster = {sql.Param(cluster)} AND \"group\" = {sql.Param(resource.Group)} AND version = {sql.Param(resource.Version)} AND resource = {sql.Param(resource.Resource)}"));
        return ExecuteWriteAsync(sql, cancellationToken);
    }

    public async Task<IReadOnlyList<GroupVersionResource>> GetClusterResourcesAsync(string cluster, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT DISTINCT \"group\", version, resource FROM resources WHERE cluster = {sql.Param(cluster)}");
        return await engine.QueryAsync(sql, r => new GroupVersionResource(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false);
    }

    private StoredResource Read(DbDataReader reader, bool onlyMetadata)
    {
        ReadOnlyMemory<byte> obj = reader.GetFieldValue<byte[]>(ListQueryBuilder.ObjectOrdinal);
        return new StoredResource
        {
            Cluster = reader.GetString(0),
            Group = reader.GetString(1),
            Version = reader.GetString(2),
            Resource = reader.GetString(3),
            Kind = reader.GetString(4),
            Namespace = reader.GetString(5),
            Name = reader.GetString(6),
            Uid = reader.GetString(7),
            ResourceVersion = reader.GetString(8),
            CreatedAt = engine.Dialect.ReadTime(reader, 9),
            Revision = reader.GetInt64(10),
            WorkloadKind = reader.IsDBNull(11) ? null : reader.GetString(11),
            WorkloadName = reader.IsDBNull(12) ? null : reader.GetString(12),
            Object = onlyMetadata ? MetadataProjection.Project(obj) : obj,
        };
    }

    /// <summary>
    /// A wholesale delete (a cluster, or a resource of a cluster) keeps no tombstones: it compacts the change feed
    /// instead, so watches from before it are told to relist.
    /// </summary>
    private Task<bool> ExecuteWriteAsync(SqlStatement sql, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await engine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                using (var command = sql.CreateCommand(connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var compact = Command(connection, transaction, "UPDATE storage_compaction SET revision = @rev WHERE id = 1");
                SqlDialect.AddParameter(compact, "@rev", revision);
                await compact.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

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

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    private Task<bool> WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (connection, transaction) =>
            {
                await write(connection, transaction).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

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
