using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// <see cref="IApiObjectStore"/> over the <c>api_objects</c> table. Each write takes a revision from the same global
/// counter as resources, so resourceVersions of our own objects only grow. A delete keeps the object as a tombstone
/// under the delete's revision (for the retention), and rows remember the revision that created them: together the
/// change feed a watch of our objects replays.
/// </summary>
internal sealed class SqlApiObjectStore(StorageEngine engine) : IDatabaseObjectStore
{
    public event Action<string>? Changed;

    public async Task<ApiObject?> GetAsync(string resource, string name, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT r.resource, r.name, r.revision, {engine.Dialect.ObjectColumn} FROM api_objects r ")
            .Append($"WHERE r.resource = {sql.Param(resource)} AND r.name = {sql.Param(name)}");
        var found = await ReadAsync(sql, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiObject>> ListAsync(string resource, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT r.resource, r.name, r.revision, {engine.Dialect.ObjectColumn} FROM api_objects r WHERE r.resource = {sql.Param(resource)}");
        var found = await ReadAsync(sql, cancellationToken).ConfigureAwait(false);

        // Ordered here rather than in SQL: names compare bytewise whatever the column's collation.
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    public async Task<ApiObject> CreateAsync(string resource, string name, ReadOnlyMemory<byte> obj, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetString(obj.Span);
        var created = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await engine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                var rev = sql.Param(revision);
                sql.Append($"INSERT INTO api_objects (resource, name, revision, created_revision, object) VALUES ({sql.Param(resource)}, {sql.Param(name)}, ")
                    .Append($"{rev}, {rev}, {engine.Dialect.JsonValue(sql.Param(json))})")
                    .Append(engine.Dialect.OnConflictDoNothing("resource, name"));
                using var command = sql.CreateCommand(connection, transaction);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
                    ? revision
                    : throw new ApiObjectConflictException($"{resource} \"{name}\" already exists", alreadyExists: true);
            },
            cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(resource);
        return new ApiObject(resource, name, created, obj);
    }

    public async Task<ApiObject> UpdateAsync(string resource, string name, ReadOnlyMemory<byte> obj, long? expectedRevision, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetString(obj.Span);
        var updated = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await engine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                sql.Append($"UPDATE api_objects SET revision = {sql.Param(revision)}, object = {engine.Dialect.JsonValue(sql.Param(json))} ")
                    .Append($"WHERE resource = {sql.Param(resource)} AND name = {sql.Param(name)}");
                if (expectedRevision is { } expected)
                {
                    sql.Append($" AND revision = {sql.Param(expected)}");
                }

                using (var command = sql.CreateCommand(connection, transaction))
                {
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                    {
                        return revision;
                    }
                }

                throw await ExistsAsync(connection, transaction, resource, name, cancellationToken).ConfigureAwait(false)
                    ? new ApiObjectConflictException(
                        $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                        alreadyExists: false)
                    : new ApiObjectNotFoundException($"{resource} \"{name}\" not found");
            },
            cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(resource);
        return new ApiObject(resource, name, updated, obj);
    }

    public async Task<ApiObjectList> ListWithRevisionAsync(string resource, CancellationToken cancellationToken)
    {
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await engine.Dialect.BeginReadTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var revision = await StorageEngine.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                sql.Append($"SELECT r.name, r.revision, {engine.Dialect.ObjectColumn} FROM api_objects r WHERE r.resource = {sql.Param(resource)}");
                var items = new List<ApiObject>();
                using (var command = sql.CreateCommand(connection, transaction))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            items.Add(new ApiObject(resource, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ApiObjectList([.. items.OrderBy(o => o.Name, StringComparer.Ordinal)], revision);
            }
        }
    }

    public async Task<ApiObjectChanges> GetChangesAsync(string resource, long afterRevision, CancellationToken cancellationToken)
    {
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await engine.Dialect.BeginReadTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var revision = await StorageEngine.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var compaction = new SqlStatement();
                compaction.Append($"SELECT revision FROM api_object_compaction WHERE resource = {compaction.Param(resource)}");
                using (var command = compaction.CreateCommand(connection, transaction))
                {
                    if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull
                        && afterRevision < Convert.ToInt64(value, CultureInfo.InvariantCulture))
                    {
                        return new ApiObjectChanges { Changes = [], Revision = revision, Expired = true };
                    }
                }

                var sql = new SqlStatement();
                var name = sql.Param(resource);
                var after = sql.Param(afterRevision);
                sql.Append($"SELECT r.name, r.revision, {engine.Dialect.ObjectColumn}, 0 AS deleted, r.created_revision AS created_revision FROM api_objects r ")
                    .Append($"WHERE r.resource = {name} AND r.revision > {after} ")
                    .Append($"UNION ALL SELECT r.name, r.revision, {engine.Dialect.ObjectColumn}, 1 AS deleted, 0 AS created_revision FROM api_object_tombstones r ")
                    .Append($"WHERE r.resource = {name} AND r.revision > {after} ORDER BY revision");
                var changes = new List<ApiObjectChange>();
                using (var command = sql.CreateCommand(connection, transaction))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var deleted = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture) != 0;
                            var created = Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture);
                            var obj = new ApiObject(resource, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
                            changes.Add(new ApiObjectChange(deleted ? ResourceChangeType.Deleted : ResourceChangeType.Upserted, obj) { IsNew = !deleted && created > afterRevision });
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ApiObjectChanges { Changes = changes, Revision = revision };
            }
        }
    }

    /// <summary>Drops tombstones older than the retention; per resource, the newest dropped revision becomes its compaction point.</summary>
    private async Task PruneTombstonesAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var compact = new SqlStatement();
        compact.Append("INSERT INTO api_object_compaction (resource, revision) SELECT resource, MAX(revision) FROM api_object_tombstones ")
            .Append($"WHERE deleted_at < {compact.Param(engine.Dialect.TimeValue(cutoff))} GROUP BY resource ")
            .Append(engine.Dialect.OnConflictUpdate("resource", "revision"));
        using (var command = compact.CreateCommand(connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var prune = new SqlStatement();
        prune.Append($"DELETE FROM api_object_tombstones WHERE deleted_at < {prune.Param(engine.Dialect.TimeValue(cutoff))}");
        using var delete = prune.CreateCommand(connection, transaction);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(string resource, string name, CancellationToken cancellationToken) =>
        DeleteCoreAsync(resource, name, null, cancellationToken);

    public Task<bool> DeleteAsync(string resource, string name, long expectedRevision, CancellationToken cancellationToken) =>
        DeleteCoreAsync(resource, name, expectedRevision, cancellationToken);

    private async Task<bool> DeleteCoreAsync(string resource, string name, long? expectedRevision, CancellationToken cancellationToken)
    {
        var deleted = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await engine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var now = engine.Time.GetUtcNow();
                var tombstone = new SqlStatement();
                tombstone.Append("INSERT INTO api_object_tombstones (revision, resource, name, deleted_at, object) ")
                    .Append($"SELECT {tombstone.Param(revision)}, resource, name, {tombstone.Param(engine.Dialect.TimeValue(now))}, object FROM api_objects ")
                    .Append($"WHERE resource = {tombstone.Param(resource)} AND name = {tombstone.Param(name)}");
                if (expectedRevision is { } expectedForTombstone)
                {
                    tombstone.Append($" AND revision = {tombstone.Param(expectedForTombstone)}");
                }

                using (var command = tombstone.CreateCommand(connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var sql = new SqlStatement();
                sql.Append($"DELETE FROM api_objects WHERE resource = {sql.Param(resource)} AND name = {sql.Param(name)}");
                if (expectedRevision is { } expected)
                {
                    sql.Append($" AND revision = {sql.Param(expected)}");
                }

                bool deleted;
                using (var command = sql.CreateCommand(connection, transaction))
                {
                    deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
                }

                if (!deleted && expectedRevision is not null && await ExistsAsync(connection, transaction, resource, name, cancellationToken).ConfigureAwait(false))
                {
                    // Thrown inside the transaction: the reserved revision is rolled back with it.
                    throw new ApiObjectConflictException(
                        $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                        alreadyExists: false);
                }

                await PruneTombstonesAsync(connection, transaction, now - engine.TombstoneRetention, cancellationToken).ConfigureAwait(false);
                return deleted;
            },
            cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            Changed?.Invoke(resource);
        }

        return deleted;
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction transaction, string resource, string name, CancellationToken cancellationToken)
    {
        var exists = new SqlStatement();
        exists.Append($"SELECT COUNT(*) FROM api_objects WHERE resource = {exists.Param(resource)} AND name = {exists.Param(name)}");
        using var check = exists.CreateCommand(connection, transaction);
        return Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private Task<List<ApiObject>> ReadAsync(SqlStatement sql, CancellationToken cancellationToken) =>
        engine.QueryAsync(sql, r => new ApiObject(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<byte[]>(3)), cancellationToken);
}
