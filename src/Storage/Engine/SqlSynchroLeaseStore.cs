using System.Data.Common;
using System.Globalization;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// <see cref="ISynchroLeaseStore"/> over the <c>synchro_leases</c> and <c>synchro_replicas</c> tables, and the fence
/// check the resource writes run inside their transaction (<see cref="CheckFenceAsync"/>).
/// </summary>
internal sealed class SqlSynchroLeaseStore(StorageEngine engine) : ISynchroLeaseStore
{
    public Task<long?> TryAcquireAsync(string cluster, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return engine.WriteAsync<long?>(
            async (connection, transaction) =>
            {
                using (var take = Command(connection, transaction, engine.Dialect.AcquireLeaseText))
                {
                    SqlDialect.AddParameter(take, "@cluster", cluster);
                    SqlDialect.AddParameter(take, "@holder", holder);
                    SqlDialect.AddParameter(take, "@ms", Milliseconds(duration));
                    await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Same transaction: the row as our statement left it (ours if taken or renewed).
                using var read = Command(connection, transaction, "SELECT generation FROM synchro_leases WHERE cluster = @cluster AND holder = @holder");
                SqlDialect.AddParameter(read, "@cluster", cluster);
                SqlDialect.AddParameter(read, "@holder", holder);
                return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } g and not DBNull
                    ? Convert.ToInt64(g, CultureInfo.InvariantCulture)
                    : null;
            },
            signal: false,
            cancellationToken);
    }

    public Task ReleaseAsync(string cluster, string holder, CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (connection, transaction) =>
            {
                // A millisecond in the past: a taker in the same millisecond already sees it expired.
                using var release = Command(connection, transaction,
                    $"UPDATE synchro_leases SET expires_at = {engine.Dialect.LeaseClockPlus("@ms")} WHERE cluster = @cluster AND holder = @holder");
                SqlDialect.AddParameter(release, "@ms", -1L);
                SqlDialect.AddParameter(release, "@cluster", cluster);
                SqlDialect.AddParameter(release, "@holder", holder);
                return await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            signal: false,
            cancellationToken);

    public Task SetAsync(string cluster, string holder, long generation, TimeSpan duration, CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (connection, transaction) =>
            {
                using var set = Command(connection, transaction, engine.Dialect.SetLeaseText);
                SqlDialect.AddParameter(set, "@cluster", cluster);
                SqlDialect.AddParameter(set, "@holder", holder);
                SqlDialect.AddParameter(set, "@ms", Milliseconds(duration));
                SqlDialect.AddParameter(set, "@generation", generation);
                return await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            signal: false,
            cancellationToken);

    public async Task<IReadOnlyList<SynchroLease>> ListAsync(CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT cluster, holder, generation, CASE WHEN expires_at < {engine.Dialect.LeaseClock} THEN 1 ELSE 0 END FROM synchro_leases ORDER BY cluster");
        return await engine.QueryAsync(
            sql,
            r => new SynchroLease(r.GetString(0), r.GetString(1), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture) == 1),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> HeartbeatAsync(string holder, string shardingName, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentNullException.ThrowIfNull(shardingName);
        return engine.WriteAsync<IReadOnlyList<string>>(
            async (connection, transaction) =>
            {
                using (var beat = Command(connection, transaction, engine.Dialect.HeartbeatText))
                {
                    SqlDialect.AddParameter(beat, "@holder", holder);
                    SqlDialect.AddParameter(beat, "@shard", shardingName);
                    SqlDialect.AddParameter(beat, "@ms", Milliseconds(duration));
                    await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Replicas gone for an hour are forgotten, so the table does not grow with every restart.
                using (var forget = Command(connection, transaction, $"DELETE FROM synchro_replicas WHERE expires_at < {engine.Dialect.LeaseClockPlus("@ms")}"))
                {
                    SqlDialect.AddParameter(forget, "@ms", -3_600_000L);
                    await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var live = Command(connection, transaction,
                    $"SELECT holder FROM synchro_replicas WHERE sharding_name = @shard AND expires_at >= {engine.Dialect.LeaseClock} ORDER BY holder");
                SqlDialect.AddParameter(live, "@shard", shardingName);
                var holders = new List<string>();
                var reader = await live.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        holders.Add(reader.GetString(0));
                    }
                }

                return holders;
            },
            signal: false,
            cancellationToken);
    }

    public Task LeaveAsync(string holder, CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (connection, transaction) =>
            {
                using var leave = Command(connection, transaction, "DELETE FROM synchro_replicas WHERE holder = @holder");
                SqlDialect.AddParameter(leave, "@holder", holder);
                return await leave.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            signal: false,
            cancellationToken);

    /// <summary>
    /// Inside a write transaction: refuses the batch (throws <see cref="FencedWriteException"/>) unless the cluster's
    /// stored lease generation is the fence's. The read locks the lease row (PostgreSQL, MySQL) until commit, so a
    /// take of the lease waits for this transaction, or this read waits for the take and sees its new generation.
    /// </summary>
    public static async Task CheckFenceAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, WriteFence fence, CancellationToken cancellationToken)
    {
        using var read = Command(connection, transaction, $"SELECT generation FROM synchro_leases WHERE cluster = @cluster{dialect.FenceLock}");
        SqlDialect.AddParameter(read, "@cluster", fence.Cluster);
        long? stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } g and not DBNull
            ? Convert.ToInt64(g, CultureInfo.InvariantCulture)
            : null;
        if (stored != fence.Generation)
        {
            throw new FencedWriteException(fence, stored);
        }
    }

    private static long Milliseconds(TimeSpan duration) => (long)Math.Ceiling(duration.TotalMilliseconds);

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }
}
