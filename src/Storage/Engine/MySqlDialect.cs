using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Clusterpedia.Storage.Schema;
using MySqlConnector;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// MySQL 8 and MariaDB 10.6+ through MySqlConnector. Every session runs in ANSI_QUOTES mode (the shared SQL quotes
/// "group") with the schema's binary collation as the connection's, so parameters compare as the columns do.
/// MySqlConnector substitutes parameters client-side as escaped literals, or sends them in binary to a statement
/// prepared on the server (the upsert, deletes, workload updates); no value ever becomes SQL text of ours.
/// </summary>
internal sealed partial class MySqlDialect : SqlDialect
{
    private const string _sqlMode = "ANSI_QUOTES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

    private const int _maxPhaseBytes = 128;

    private readonly MySqlDataSource _dataSource;
    private MySqlServer? _server;

    public MySqlDialect(string connectionString)
    {
        // Affected rows, not found rows: an INSERT whose key exists and changes nothing counts 0 (OnConflictDoNothing).
        // IgnorePrepare off: a command that calls Prepare is prepared on the server and its values travel in binary
        // (the upsert: no ~3.5 KB literal a row to escape here and lex there). The session keeps each statement until it
        // is reset, which ConnectionReset does whenever the pool hands the connection out again: the upserts' texts
        // differ by row count, and kept they would pile up towards the server's max_prepared_stmt_count.
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            UseAffectedRows = true,
            AllowUserVariables = false,
            IgnorePrepare = false,
            ConnectionReset = true,
        };
        _dataSource = new MySqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public override string Engine => StorageOptions.MySql;

    public override IReadOnlyList<Migration> Migrations =>
        MySqlSchema.Migrations((_server ?? throw new InvalidOperationException("the server is detected on the first connection")).Collation);

    public override bool SingleWriter => false;

    public override string LeaseClock => "UTC_TIMESTAMP(3)";

    public override string LeaseClockPlus(string milliseconds) => $"(UTC_TIMESTAMP(3) + INTERVAL ({milliseconds} * 1000) MICROSECOND)";

    // MariaDB knows no FOR SHARE; both servers know this older spelling.
    public override string FenceLock => " LOCK IN SHARE MODE";

    // ON DUPLICATE KEY UPDATE assigns left to right, each assignment seeing the ones before it: generation and holder
    // are decided on the old row (the same condition twice), then the times follow the holder just set.
    public override string AcquireLeaseText => $"""
        INSERT INTO synchro_leases (cluster, holder, renewed_at, expires_at, generation)
        VALUES (@cluster, @holder, {LeaseClock}, {LeaseClockPlus("@ms")}, 1)
        ON DUPLICATE KEY UPDATE
            generation = IF(holder = @holder OR expires_at < {LeaseClock}, IF(holder = @holder, generation, generation + 1), generation),
            holder = IF(holder = @holder OR expires_at < {LeaseClock}, @holder, holder),
            renewed_at = IF(holder = @holder, {LeaseClock}, renewed_at),
            expires_at = IF(holder = @holder, {LeaseClockPlus("@ms")}, expires_at)
        """;

    public override string SetLeaseText => $"""
        INSERT INTO synchro_leases (cluster, holder, renewed_at, expires_at, generation)
        VALUES (@cluster, @holder, {LeaseClock}, {LeaseClockPlus("@ms")}, @generation)
        ON DUPLICATE KEY UPDATE holder = @holder, renewed_at = {LeaseClock}, expires_at = {LeaseClockPlus("@ms")}, generation = @generation
        """;

    public override string HeartbeatText => $"""
        INSERT INTO synchro_replicas (holder, sharding_name, expires_at)
        VALUES (@holder, @shard, {LeaseClockPlus("@ms")})
        ON DUPLICATE KEY UPDATE sharding_name = @shard, expires_at = {LeaseClockPlus("@ms")}
        """;

    public override string ObjectColumn => "CAST(r.object AS BINARY)";

    // No index serves labels or substrings here (PostgreSQL answers them from GIN indexes), so a count bounded by
    // matches read 750,005 rows for a label selector at 1M rows (docs/benchmarks.md, "MySQL").
    public override bool BoundsCountByRowsExamined => true;

    public override bool IsIndexedField(IReadOnlyList<string> path) => path is ["status", "phase"];

    // The ORDER BY ... LIMIT heuristic otherwise walks ux_resources_key (cluster first, which also yields the default
    // order) and reads every row of the types that sort before the wanted one in each cluster (150,538 pod entries
    // before the first deployment at 1M rows).
    public override string DefaultOrderIndexHint => " USE INDEX FOR ORDER BY (ix_resources_gvr_order)";

    public override string? ServerDescription => _server?.Describe();

    // MySQL has no MATERIALIZED keyword; both servers materialize a CTE by themselves when that is cheaper.
    public override string MaterializedCte => "";

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var server = _server ??= await DetectAsync(connection, cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();

            // The pool resets session state on reuse, so this runs on every open (one round trip). The collation name
            // is one of MySqlServer's two constants.
            command.CommandText = $"SET NAMES utf8mb4 COLLATE {server.Collation}; SET SESSION sql_mode = '{_sqlMode}', time_zone = '+00:00'";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    // DDL commits implicitly on MySQL, so a transaction cannot hold the lock: a named lock of the session does, taken
    // once per migration (named locks count) and released by UnlockSchemaAsync when the migrations are done.
    public override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT GET_LOCK('clusterpedia.schema', 600)";
        var locked = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt64(locked, CultureInfo.InvariantCulture) != 1)
        {
            throw new TimeoutException("Storage mysql: another process held the schema lock for 10 minutes");
        }
    }

    public override async Task UnlockSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DO RELEASE_ALL_LOCKS()";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    // No UPDATE ... RETURNING on either server: LAST_INSERT_ID(expr) hands the new value to this session.
    public override async Task<long> ReserveRevisionsAsync(DbConnection connection, DbTransaction transaction, long count, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE storage_revision SET value = LAST_INSERT_ID(value + @count) WHERE id = 1; SELECT LAST_INSERT_ID()";
        AddParameter(command, "@count", count);
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return last - count + 1;
    }

    public override string OnConflictDoNothing(string keyColumns)
    {
        // Assigning a key column to itself changes nothing, so the row counts 0 affected.
        var first = keyColumns.Split(',')[0].Trim();
        return $" ON DUPLICATE KEY UPDATE {first} = {first}";
    }

    public override string OnConflictUpdate(string keyColumns, string column) => $" ON DUPLICATE KEY UPDATE {column} = VALUES({column})";

    protected override string TombstoneCopiedColumns => ", labels, phase";

    /// <summary>
    /// The phase column's value (what the generated column of schema 4 held): the phase's bytes, or NULL for none, a
    /// JSON null, or more than the 128 bytes the column holds beside the order columns in its index.
    /// </summary>
    internal static object PhaseColumn(string? phase) =>
        phase is null || Encoding.UTF8.GetByteCount(phase) > _maxPhaseBytes ? DBNull.Value : Encoding.UTF8.GetBytes(phase);

    // MySQL refuses UPDATE ... FROM and a subquery on the updated table; a self-join is its form of the same update.
    protected override string FollowOwnersText(SqlStatement sql, string cluster, IReadOnlyList<string> uids, bool followers) => $"""
        UPDATE resources p JOIN resources o ON p.cluster = o.cluster AND p.owner_uid = o.uid
        SET p.workload_kind = o.workload_kind, p.workload_name = o.workload_name
        WHERE {(followers ? "p" : "o")}.cluster = {sql.Param(cluster)} AND {InList(sql, followers ? "p.uid" : "o.uid", uids, negate: false)} AND o.workload_kind IS NOT NULL
          AND p.workload_follows_owner = 1
          AND NOT (p.workload_kind <=> o.workload_kind AND p.workload_name <=> o.workload_name)
        """;

    public override object TimeValue(DateTimeOffset value) =>
        DateTime.SpecifyKind(DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).UtcDateTime, DateTimeKind.Unspecified);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public override string InList(SqlStatement sql, string expression, IReadOnlyList<string> values, bool negate)
    {
        if (values.Count == 0)
        {
            return negate ? "1 = 1" : "1 = 0";
        }

        if (values.Count == 1)
        {
            var single = sql.Param(values[0]);
            return negate ? $"{expression} <> {single}" : $"{expression} = {single}";
        }

        var text = new StringBuilder(expression).Append(negate ? " NOT IN (" : " IN (");
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(sql.Param(values[i]));
        }

        return text.Append(')').ToString();
    }

    // JSON null reads as SQL NULL (missing), true/false and numbers as their JSON text, strings unquoted. JSON text
    // comes in utf8mb4_bin, which pads spaces and clashes with the connection's collation: as bytes it compares
    // exactly, on both servers.
    public override string FieldText(SqlStatement sql, IReadOnlyList<string> path)
    {
        if (path is ["status", "phase"])
        {
            // The stored column (schema 4) holds this same text, bytes and all, and is indexed.
            return "r.phase";
        }

        var p = sql.Param(SqliteDialect.JsonPath(path));
        return $"(CASE JSON_TYPE(JSON_EXTRACT(r.object, {p})) WHEN 'NULL' THEN NULL ELSE CAST(JSON_UNQUOTE(JSON_EXTRACT(r.object, {p})) AS BINARY) END)";
    }

    public override string IntegerOrNull(string textExpression) =>
        $"(CASE WHEN {textExpression} REGEXP '^-?[0-9]{{1,18}}$' THEN CAST({textExpression} AS SIGNED) END)";

    public override string JsonValue(string placeholder) => placeholder;

    // LOCATE compares in the binary collation: case-sensitive, and no LIKE wildcards to escape. The always-true bound
    // on r.cluster (NOT NULL; '' sorts first) is for MariaDB's optimizer: with a condition on a key part after the type
    // it pushes the whole test down to the order index (index condition pushdown) and reads only matching rows; without
    // it, walking the type's rows in order, it read every row to test its name (3 pages a row instead of ~0).
    public override string ContainsText(SqlStatement sql, string expression, string substring) =>
        $"(LOCATE({sql.Param(substring)}, {expression}) > 0 AND r.cluster >= '')";

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<MySqlServer> DetectAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT VERSION()";
        var version = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return MySqlServer.Parse(version ?? "");
    }
}
