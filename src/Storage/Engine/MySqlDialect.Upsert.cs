using System.Data.Common;
using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The resource upsert on MySQL/MariaDB. <c>resources</c> is clustered by its <c>id</c>, the object's key being a
/// unique secondary index: an <c>INSERT ... ON DUPLICATE KEY UPDATE</c> without the id inserted the whole row under a
/// fresh id, met the duplicate in the key's index, undid the insert and only then updated (8.3 KB of redo a row
/// against 5.4, docs/benchmarks.md, session 13). So each statement first reads the ids stored under its keys and
/// names them: the duplicate is then found in the clustered index itself, before anything is written.
/// </summary>
internal sealed partial class MySqlDialect
{
    private const int _rowsPerStatement = 500;

    // One row's values, bound by position in the order of the column list: no parameter names to generate, look up
    // or send, and a statement text of 32,500 characters for 500 rows (65 KB; with names it was 78,800 characters,
    // 158 KB, each one on the large object heap).
    private const string _rowPlaceholders = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private const int _bytesPerStatement = 4 << 20;

    // ON DUPLICATE KEY UPDATE assigns left to right and later terms see earlier results: resource_version goes last so
    // every other column still compares against the stored one (an unchanged resourceVersion keeps the row as is).
    private const string _upsertTail = """
         ON DUPLICATE KEY UPDATE
            kind = IF(resource_version <> VALUES(resource_version), VALUES(kind), kind),
            uid = IF(resource_version <> VALUES(resource_version), VALUES(uid), uid),
            owner_uid = IF(resource_version <> VALUES(resource_version), VALUES(owner_uid), owner_uid),
            created_at = IF(resource_version <> VALUES(resource_version), VALUES(created_at), created_at),
            synced_at = IF(resource_version <> VALUES(resource_version), VALUES(synced_at), synced_at),
            revision = IF(resource_version <> VALUES(resource_version), VALUES(revision), revision),
            object = IF(resource_version <> VALUES(resource_version), VALUES(object), object),
            workload_kind = IF(resource_version <> VALUES(resource_version), VALUES(workload_kind), workload_kind),
            workload_name = IF(resource_version <> VALUES(resource_version), VALUES(workload_name), workload_name),
            workload_follows_owner = IF(resource_version <> VALUES(resource_version), VALUES(workload_follows_owner), workload_follows_owner),
            labels = IF(resource_version <> VALUES(resource_version), VALUES(labels), labels),
            phase = IF(resource_version <> VALUES(resource_version), VALUES(phase), phase),
            resource_version = VALUES(resource_version)
        """;

    /// <summary>
    /// Multi-row INSERT ... ON DUPLICATE KEY UPDATE statements of at most 500 rows or about 4 MiB of objects, each
    /// after one read of the ids and labels stored under its keys. The label rows are rewritten only by statements
    /// that add a key or change a row's labels: an update of anything else (status, annotations) leaves them alone.
    /// </summary>
    public override async Task<long> UpsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<ResourceRecord> records,
        long firstRevision,
        DateTimeOffset syncedAt,
        CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < records.Count)
        {
            var count = StatementRows(records, offset);
            var stored = await ReadStoredAsync(connection, transaction, records, offset, count, cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var syncedAtValue = TimeValue(syncedAt);
            var text = new StringBuilder(UpsertPrefix).Append("""
                INSERT INTO resources (id, cluster, "group", version, resource, kind, namespace, name, uid, owner_uid,
                                       resource_version, created_at, synced_at, revision, created_revision, object,
                                       workload_kind, workload_name, workload_follows_owner, labels, phase) VALUES
                """);
            var labelsChange = false;
            for (var i = 0; i < count; i++)
            {
                var record = records[offset + i];
                var (labels, phase) = StoredColumns.Read(record.Object.Span);
                object id = DBNull.Value;
                if (stored.TryGetValue(record.Key, out var row))
                {
                    id = row.Id;
                    labelsChange |= !string.Equals(row.Labels, labels, StringComparison.Ordinal);
                }
                else
                {
                    labelsChange = true;
                }

                text.Append(i == 0 ? "\n" : ",\n").Append(_rowPlaceholders);
                Add(command, id);
                Add(command, record.Cluster);
                Add(command, record.Group);
                Add(command, record.Version);
                Add(command, record.Resource);
                Add(command, record.Kind);
                Add(command, record.Namespace);
                Add(command, record.Name);
                Add(command, record.Uid);
                Add(command, (object?)record.OwnerUid ?? DBNull.Value);
                Add(command, record.ResourceVersion);
                Add(command, TimeValue(record.CreatedAt));
                Add(command, syncedAtValue);
                var revision = firstRevision + offset + i;
                Add(command, revision);
                Add(command, revision);
                Add(command, record.Object);
                Add(command, (object?)record.Workload.Kind ?? DBNull.Value);
                Add(command, (object?)record.Workload.Name ?? DBNull.Value);
                Add(command, record.Workload.FollowsOwner ? 1 : 0);
                Add(command, (object?)labels ?? DBNull.Value);
                Add(command, PhaseColumn(phase));
            }

            command.CommandText = text.Append(_upsertTail).ToString();
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (labelsChange)
            {
                // The labels of the rows this statement changed, in the same transaction.
                using var labelsCommand = connection.CreateCommand();
                labelsCommand.Transaction = transaction;
                labelsCommand.CommandText = _labelsText;
                AddParameter(labelsCommand, "@lf", firstRevision + offset);
                AddParameter(labelsCommand, "@ll", firstRevision + offset + count - 1);
                await labelsCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            offset += count;
        }

        return records.Count;
    }

    /// <summary>
    /// What precedes the upsert: on MariaDB, the object column's <c>CHECK (JSON_VALID(object))</c> switched off for this
    /// statement only. It parsed every ~3.5 KB object again, twice for an update (docs/benchmarks.md, session 13: 13 %
    /// of MariaDB's time in S4), for bytes the synchro has already read whole with a validating JSON reader and
    /// repaired to valid UTF-8 (<c>ObjectTransformer</c>, <c>MemberObjectCheck</c>). api_objects keep their check.
    /// MySQL has no such switch (nor SET STATEMENT): there the check stays.
    /// </summary>
    private string UpsertPrefix => _server is { IsMariaDb: true } ? "SET STATEMENT check_constraint_checks = 0 FOR " : "";

    /// <summary>Adds a positional (<c>?</c>) parameter: bound in the order added.</summary>
    private static void Add(DbCommand command, object value)
    {
        var parameter = command.CreateParameter();
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>How many records from <paramref name="offset"/> on one statement takes: up to 500, or about 4 MiB of objects.</summary>
    private static int StatementRows(IReadOnlyList<ResourceRecord> records, int offset)
    {
        var bytes = 0;
        var count = 0;
        for (; offset + count < records.Count && count < _rowsPerStatement && (count == 0 || bytes < _bytesPerStatement); count++)
        {
            bytes += records[offset + count].Object.Length;
        }

        return count;
    }

    /// <summary>
    /// The id and labels of the rows stored under the keys of <c>records[offset..offset + count]</c>, locked for the
    /// write that follows. Every write holds the revision row first, so no other write can add or remove one of these
    /// keys in between; the lock keeps that true for any writer that does not.
    /// </summary>
    private static async Task<Dictionary<ResourceKey, (long Id, string? Labels)>> ReadStoredAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<ResourceRecord> records, int offset, int count, CancellationToken cancellationToken)
    {
        using var command = StoredRowsCommand(connection, transaction, records, offset, count);
        var stored = new Dictionary<ResourceKey, (long Id, string? Labels)>(count);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new ResourceKey(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6));
            stored[key] = (reader.GetInt64(0), reader.IsDBNull(7) ? null : reader.GetString(7));
        }

        return stored;
    }

    /// <summary>
    /// The read of <see cref="ReadStoredAsync"/>: one row-value IN over the key's unique index, which is named so
    /// that a locking read can never become a scan that locks the whole table.
    /// </summary>
    internal static DbCommand StoredRowsCommand(
        DbConnection connection, DbTransaction? transaction, IReadOnlyList<ResourceRecord> records, int offset, int count)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder("""
            SELECT id, cluster, "group", version, resource, namespace, name, labels FROM resources FORCE INDEX (ux_resources_key)
            WHERE (cluster, "group", version, resource, namespace, name) IN (
            """);
        for (var i = 0; i < count; i++)
        {
            var record = records[offset + i];
            text.Append(i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)");
            Add(command, record.Cluster);
            Add(command, record.Group);
            Add(command, record.Version);
            Add(command, record.Resource);
            Add(command, record.Namespace);
            Add(command, record.Name);
        }

        command.CommandText = text.Append(") FOR UPDATE").ToString();
        return command;
    }
}
