using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
using Clusterpedia.Storage.Schema;
using Microsoft.Data.Sqlite;

namespace Clusterpedia.Storage.Engine;

/// <summary>The embedded engine: one SQLite file in WAL mode, one writer at a time.</summary>
internal sealed class SqliteDialect(string connectionString) : SqlDialect
{
    private const string _upsertText = """
        INSERT INTO resources (cluster, "group", version, resource, kind, namespace, name, uid, owner_uid,
                               resource_version, created_at, synced_at, revision, created_revision, object,
                               workload_kind, workload_name, workload_follows_owner)
        VALUES (@c, @g, @v, @r, @k, @ns, @n, @u, @o, @rv, @ca, @sa, @rev, @rev, CAST(@obj AS TEXT), @wk, @wn, @wf)
        ON CONFLICT (cluster, "group", version, resource, namespace, name) DO UPDATE SET
            kind = excluded.kind, uid = excluded.uid, owner_uid = excluded.owner_uid,
            resource_version = excluded.resource_version, created_at = excluded.created_at,
            synced_at = excluded.synced_at, revision = excluded.revision, object = excluded.object,
            workload_kind = excluded.workload_kind, workload_name = excluded.workload_name,
            workload_follows_owner = excluded.workload_follows_owner
        WHERE resources.resource_version <> excluded.resource_version
        """;

    public override string Engine => StorageOptions.Sqlite;

    public override IReadOnlyList<Migration> Migrations => SqliteSchema.Migrations;

    public override bool SingleWriter => true;

    // Unix milliseconds, as every time column of this engine. The process's clock: every SQLite writer is on this machine.
    public override string LeaseClock => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public override string LeaseClockPlus(string milliseconds) => $"({LeaseClock} + {milliseconds})";

    // Writes are serialized by the database lock: the fence read needs no row lock.
    public override string FenceLock => "";

    public override string ObjectColumn => "CAST(r.object AS BLOB)";

    public override string OwnerIndexHint => " INDEXED BY ix_resources_owner_uid";

    // The feed walks the revision index from the watcher's revision and stops at the page: the planner, estimating
    // "revision > ?" from its samples, sometimes took a type's index instead and sorted all its rows by revision
    // (80,000 pods read for a page of 500: 150 ms against a few), which under S4's churn left the watch seconds behind.
    public override (string From, string Revision) LiveChangesFrom => ("resources r INDEXED BY ix_resources_revision", "r.revision");

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // BeginTransaction of Microsoft.Data.Sqlite is BEGIN IMMEDIATE: the write lock is taken up front.
    public override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override Task<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

    // One prepared single-row statement run per record inside the transaction: SQLite is in-process, so there is no
    // round trip to save, and binding thousands of named parameters of a multi-row statement is quadratic here.
    public override async Task<long> UpsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<ResourceRecord> records,
        long firstRevision,
        DateTimeOffset syncedAt,
        CancellationToken cancellationToken)
    {
        using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = _upsertText;
        var p = new SqliteParameter[17];
        string[] names = ["@c", "@g", "@v", "@r", "@k", "@ns", "@n", "@u", "@o", "@rv", "@ca", "@sa", "@rev", "@obj", "@wk", "@wn", "@wf"];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = command.Parameters.Add(names[i], i == 13 ? SqliteType.Blob : i == 16 ? SqliteType.Integer : SqliteType.Text);
        }

        p[11].Value = syncedAt.ToUnixTimeMilliseconds();
        command.Prepare();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            p[0].Value = record.Cluster;
            p[1].Value = record.Group;
            p[2].Value = record.Version;
            p[3].Value = record.Resource;
            p[4].Value = record.Kind;
            p[5].Value = record.Namespace;
            p[6].Value = record.Name;
            p[7].Value = record.Uid;
            p[8].Value = (object?)record.OwnerUid ?? DBNull.Value;
            p[9].Value = record.ResourceVersion;
            p[10].Value = record.CreatedAt.ToUnixTimeMilliseconds();
            p[12].Value = firstRevision + i;
            p[13].Value = AsArray(record.Object);
            p[14].Value = (object?)record.Workload.Kind ?? DBNull.Value;
            p[15].Value = (object?)record.Workload.Name ?? DBNull.Value;
            p[16].Value = record.Workload.FollowsOwner ? 1 : 0;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The new keys are the rows of the batch's revisions created at their revision (an updated row keeps the
        // revision it was created at): one walk of the revision index, not a RETURNING row read back per record (that
        // cost 20 % of S1).
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM resources WHERE revision BETWEEN @first AND @last AND created_revision = revision";
        AddParameter(count, "@first", firstRevision);
        AddParameter(count, "@last", firstRevision + records.Count - 1);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Refreshes the planner statistics: without them, or with sampled ones (analysis_limit), SQLite sorts a whole
    /// resource instead of walking an index. A full ANALYZE costs about 2 s per million rows. Every search pins
    /// group, version and resource, yet their few distinct values tempt the planner into skip-scans of the
    /// ix_resources_gvr_* indexes that then sort everything: the documented "noskipscan" mark forbids those.
    /// </summary>
    public override async Task AnalyzeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            ANALYZE;
            UPDATE sqlite_stat1 SET stat = stat || ' noskipscan'
                WHERE tbl = 'resources' AND idx LIKE 'ix_resources_gvr%' AND stat NOT LIKE '%noskipscan%';
            ANALYZE sqlite_schema;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override object TimeValue(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public override string InList(SqlStatement sql, string expression, IReadOnlyList<string> values, bool negate)
    {
        if (values.Count == 0)
        {
            return negate ? "1 = 1" : "1 = 0";
        }

        var text = new StringBuilder(expression).Append(negate ? " NOT IN (" : " IN (");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(sql.Param(values[i]));
        }

        return text.Append(')').ToString();
    }

    public override string FieldText(SqlStatement sql, IReadOnlyList<string> path)
    {
        var p = sql.Param(JsonPath(path));
        return $"(CASE json_type(r.object, {p}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL " +
            $"ELSE CAST(json_extract(r.object, {p}) AS TEXT) END)";
    }

    public override string LabelText(SqlStatement sql, string key) =>
        $"json_extract(r.object, {sql.Param(JsonPath(["metadata", "labels", key]))})";

    public override string IntegerOrNull(string textExpression) =>
        $"(CASE WHEN CAST(CAST({textExpression} AS INTEGER) AS TEXT) = {textExpression} THEN CAST({textExpression} AS INTEGER) END)";

    public override string JsonValue(string placeholder) => placeholder;

    public override string ContainsText(SqlStatement sql, string expression, string substring) =>
        $"instr({expression}, {sql.Param(substring)}) > 0";

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A SQLite JSON path with every key quoted; numeric segments index arrays.</summary>
    internal static string JsonPath(IReadOnlyList<string> path)
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment.Length > 0 && segment.Length < 10 && segment.All(char.IsAsciiDigit))
            {
                text.Append('[').Append(segment).Append(']');
            }
            else
            {
                // The key is quoted; PathValidation has rejected quotes and control characters, the only way out.
                text.Append(".\"").Append(segment).Append('"');
            }
        }

        return text.ToString();
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
