using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Clusterpedia.Storage.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Clusterpedia.Storage.Engine;

/// <summary>The embedded engine: one SQLite file in WAL mode, one writer at a time.</summary>
internal sealed class SqliteDialect(string connectionString) : SqlDialect
{
    private const int _rowsPerStatement = 500;
    private const string _columns =
        """cluster, "group", version, resource, kind, namespace, name, uid, owner_uid, resource_version, created_at, synced_at, revision, object""";

    private static readonly string[] _upsertTexts = new string[_rowsPerStatement + 1];

    public override string Engine => StorageOptions.Sqlite;

    public override IReadOnlyList<Migration> Migrations => SqliteSchema.Migrations;

    public override bool SingleWriter => true;

    public override string ObjectColumn => "CAST(r.object AS BLOB)";

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

    public override void ConfigureDbContext(DbContextOptionsBuilder builder) => builder.UseSqlite(connectionString);

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

    public override async Task UpsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<ResourceRecord> records,
        long firstRevision,
        DateTimeOffset syncedAt,
        CancellationToken cancellationToken)
    {
        var synced = syncedAt.ToUnixTimeMilliseconds();
        for (var offset = 0; offset < records.Count; offset += _rowsPerStatement)
        {
            var count = Math.Min(_rowsPerStatement, records.Count - offset);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = UpsertText(count);
            for (var i = 0; i < count; i++)
            {
                var record = records[offset + i];
                var p = "@" + i.ToString(CultureInfo.InvariantCulture) + "_";
                var parameters = command.Parameters;
                parameters.Add(new SqliteParameter(p + "c", record.Cluster));
                parameters.Add(new SqliteParameter(p + "g", record.Group));
                parameters.Add(new SqliteParameter(p + "v", record.Version));
                parameters.Add(new SqliteParameter(p + "r", record.Resource));
                parameters.Add(new SqliteParameter(p + "k", record.Kind));
                parameters.Add(new SqliteParameter(p + "ns", record.Namespace));
                parameters.Add(new SqliteParameter(p + "n", record.Name));
                parameters.Add(new SqliteParameter(p + "u", record.Uid));
                parameters.Add(new SqliteParameter(p + "o", (object?)record.OwnerUid ?? DBNull.Value));
                parameters.Add(new SqliteParameter(p + "rv", record.ResourceVersion));
                parameters.Add(new SqliteParameter(p + "ca", record.CreatedAt.ToUnixTimeMilliseconds()));
                parameters.Add(new SqliteParameter(p + "sa", synced));
                parameters.Add(new SqliteParameter(p + "rev", firstRevision + offset + i));
                parameters.Add(new SqliteParameter(p + "obj", AsArray(record.Object)));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
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

    private static string UpsertText(int rows)
    {
        var cached = _upsertTexts[rows];
        if (cached is not null)
        {
            return cached;
        }

        var text = new StringBuilder("INSERT INTO resources (").Append(_columns).Append(") VALUES ");
        for (var i = 0; i < rows; i++)
        {
            var p = "@" + i.ToString(CultureInfo.InvariantCulture) + "_";
            text.Append(i == 0 ? "" : ", ")
                .Append(CultureInfo.InvariantCulture, $"({p}c, {p}g, {p}v, {p}r, {p}k, {p}ns, {p}n, {p}u, {p}o, {p}rv, {p}ca, {p}sa, {p}rev, CAST({p}obj AS TEXT))");
        }

        text.Append("""
             ON CONFLICT (cluster, "group", version, resource, namespace, name) DO UPDATE SET
             kind = excluded.kind, uid = excluded.uid, owner_uid = excluded.owner_uid,
             resource_version = excluded.resource_version, created_at = excluded.created_at,
             synced_at = excluded.synced_at, revision = excluded.revision, object = excluded.object
             WHERE resources.resource_version <> excluded.resource_version
            """);
        return _upsertTexts[rows] = text.ToString();
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
