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
internal sealed partial class SqlResourceStorage(StorageEngine engine) : IResourceStorage, IResourceChangeFeed
{
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
            // One statement, one snapshot: the changes, the store's revision and the compaction mark (on every row, and on
            // the closing row when the changes do not fill the page), so a watch's read is one round trip, not five
            // (BEGIN, revision, mark, rows, COMMIT), and the revision it moves on to never skips a commit.
            var (changes, revision, compacted) = await ReadChangesAsync(sql, query, afterRevision, connection, cancellationToken).ConfigureAwait(false);
            return afterRevision < compacted
                ? new ResourceChanges { Changes = [], Revision = revision, Expired = true }
                : new ResourceChanges { Changes = changes, Revision = revision };
        }
    }

    private async Task<(List<ResourceChange> Changes, long Revision, long Compacted)> ReadChangesAsync(
        SqlStatement sql, ResourceQuery query, long afterRevision, DbConnection connection, CancellationToken cancellationToken)
    {
        var changes = new List<ResourceChange>();
        long? revision = null;
        long compacted = 0;
        using var command = sql.CreateCommand(connection, transaction: null);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (revision is null)
                {
                    revision = ReadInt64(reader, ListQueryBuilder.ChangeRevisionOrdinal);
                    compacted = ReadInt64(reader, ListQueryBuilder.ChangeCompactedOrdinal);
                }

                var kind = ReadInt64(reader, ListQueryBuilder.ChangeDeletedOrdinal);
                if (kind == ListQueryBuilder.ChangeClosingRow)
                {
                    continue;
                }

                var type = kind == 0 ? ResourceChangeType.Upserted : ResourceChangeType.Deleted;
                var created = ReadInt64(reader, ListQueryBuilder.ChangeCreatedOrdinal);
                changes.Add(new ResourceChange(type, Read(reader, query.OnlyMetadata)) { IsNew = type == ResourceChangeType.Upserted && created > afterRevision });
            }
        }

        // The page is full or closed: a statement with neither a change nor the closing row cannot happen.
        return (changes, revision ?? throw new InvalidOperationException("the change feed statement returned no row"), compacted);
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
    private Task<bool> ExecuteWriteAsync(Func<DbConnection, DbTransaction, Task> delete, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await engine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                await delete(connection, transaction).ConfigureAwait(false);

                using var compact = Command(connection, transaction, "UPDATE storage_compaction SET revision = @rev WHERE id = 1");
                SqlDialect.AddParameter(compact, "@rev", revision);
                await compact.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

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
}
