using System.Globalization;
using Npgsql;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// Where PostgreSQL's time goes during S4: pg_stat_statements reset before the churn and read after the drain (the
/// statements with the most execution time), how the resources table took the updates (how many were HOT, i.e.
/// wrote no index entry, against the indexes an ordinary update writes into), and the maintenance that ran meanwhile
/// (autovacuum and autoanalyze of the table, checkpoints) and the WAL it all wrote (pg_stat_wal: bytes, records,
/// full-page images).
/// </summary>
internal static class ChurnProfile
{
    public static async Task StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset(); SELECT pg_stat_reset_shared('bgwriter'); SELECT pg_stat_reset_shared('wal')", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<List<string>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("""
            SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd, (SELECT count(*) FROM pg_indexes WHERE tablename = 'resources'),
                   autovacuum_count, autoanalyze_count,
                   (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter), (SELECT buffers_backend FROM pg_stat_bgwriter),
                   (SELECT wal_records FROM pg_stat_wal), (SELECT wal_fpi FROM pg_stat_wal), (SELECT wal_bytes FROM pg_stat_wal)
            FROM pg_stat_user_tables WHERE relname = 'resources'
            """, connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"resources: {reader.GetInt64(0)} inserts, {reader.GetInt64(1)} updates of which {reader.GetInt64(2)} HOT; each other update writes an entry into each of {reader.GetInt64(3)} indexes"));
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"during the churn: resources autovacuumed {reader.GetInt64(4)} and autoanalyzed {reader.GetInt64(5)} times; {reader.GetInt64(6)} checkpoints; {reader.GetInt64(7)} buffers written by backends"));

                // What each update costs in WAL, and how much of it is whole pages logged after a checkpoint began.
                var updates = Math.Max(1, reader.GetInt64(1));
                var walBytes = reader.GetDecimal(10);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"WAL during the churn: {walBytes / 1048576m:N0} MiB in {reader.GetInt64(8):N0} records, {reader.GetInt64(9):N0} of them full-page images; {walBytes / updates:N0} bytes per update of resources"));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric, 2), rows,
                   left(regexp_replace(query, '\s+', ' ', 'g'), 160)
            FROM pg_stat_statements
            WHERE query NOT ILIKE '%pg_stat_%'
            ORDER BY total_exec_time DESC LIMIT 8
            """, connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{reader.GetInt64(0)} calls, {reader.GetDecimal(1)} ms total, {reader.GetDecimal(2)} ms mean, {reader.GetInt64(3)} rows: {reader.GetString(4)}"));
            }
        }

        return lines;
    }
}
