using System.Globalization;
using Npgsql;

namespace Clusterpedia.TestSupport.Postgres;

/// <summary>
/// A PostgreSQL hot standby of a <see cref="PostgresServer"/>: copied with <c>pg_basebackup -R</c> (which writes
/// primary_conninfo and standby.signal) through a replication slot of its own, started with <c>hot_standby=on</c> on a
/// free loopback port in a temporary directory. <see cref="StopAsync"/> kills it (the "standby down" case);
/// <see cref="DisposeAsync"/> stops it if needed, drops its slot on the primary (which would otherwise keep WAL
/// forever) and removes the directory.
/// </summary>
public sealed class PostgresStandby : IAsyncDisposable
{
    private readonly PostgresServer _primary;
    private readonly string _directory;
    private readonly string _dataDirectory;
    private readonly string _slot;
    private bool _running;

    private PostgresStandby(PostgresServer primary, string directory, int port, string slot)
    {
        _primary = primary;
        _directory = directory;
        _dataDirectory = Path.Combine(directory, "data");
        _slot = slot;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string to a database on the standby (read-only: it replays the primary's).</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Timeout=5;Command Timeout=60";

    internal static async Task<PostgresStandby> StartAsync(PostgresServer primary)
    {
        var directory = await PostgresServer.CreateOwnedDirectoryAsync();
        var slot = "standby_" + Guid.NewGuid().ToString("N")[..12];
        var standby = new PostgresStandby(primary, directory, PostgresServer.FreePort(), slot);
        if (primary.AsRoot)
        {
            await PostgresServer.RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false);
        }

        await PostgresServer.RunAsync(Path.Combine(PostgresServer.BinDirectory, "pg_basebackup"),
        [
            "-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", standby._dataDirectory, "-R", "-X", "stream", "-C", "-S", slot, "-c", "fast", "--no-sync",
        ], primary.AsRoot);
        await PostgresServer.RunAsync(Path.Combine(PostgresServer.BinDirectory, "pg_ctl"),
        [
            "-D", standby._dataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {standby.Port} -k {directory} -c listen_addresses=127.0.0.1 -c hot_standby=on -c hot_standby_feedback=on -c fsync=off -c max_connections=200",
            "start",
        ], primary.AsRoot);
        standby._running = true;
        return standby;
    }

    /// <summary>
    /// Waits until the standby has replayed everything the primary had written when this was called (its WAL insert
    /// position: the shared server commits asynchronously, so the write position can lag behind a commit).
    /// </summary>
    public async Task CatchUpAsync(TimeSpan? timeout = null)
    {
        string target;
        await using (var connection = new NpgsqlConnection(_primary.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", connection);
            target = (string)(await command.ExecuteScalarAsync())!;
        }

        var seen = "";
        await Eventually.UntilAsync(
            async () =>
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn()::text, pg_wal_lsn_diff(pg_last_wal_replay_lsn(), @target::pg_lsn) >= 0", connection);
                command.Parameters.AddWithValue("target", target);
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                seen = reader.IsDBNull(0) ? "none" : reader.GetString(0);
                return !reader.IsDBNull(1) && reader.GetBoolean(1);
            },
            timeout ?? TimeSpan.FromSeconds(30),
            () => Task.FromResult($"the standby on port {Port} replayed up to {seen}, the primary was at {target}"),
            TimeSpan.FromMilliseconds(20));
    }

    /// <summary>Kills the standby (immediate shutdown), as a crash would.</summary>
    public async Task StopAsync()
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        await PostgresServer.RunAsync(Path.Combine(PostgresServer.BinDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], _primary.AsRoot);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();

        // The walsender of the killed standby may take a moment to exit; the slot can be dropped once it is inactive.
        await Eventually.UntilAsync(
            async () =>
            {
                await using var connection = new NpgsqlConnection(_primary.ConnectionString("postgres"));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = @slot AND NOT active", connection);
                command.Parameters.AddWithValue("slot", _slot);
                await command.ExecuteNonQueryAsync();
                await using var check = new NpgsqlCommand("SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = @slot", connection);
                check.Parameters.AddWithValue("slot", _slot);
                return Convert.ToInt64(await check.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0;
            },
            TimeSpan.FromSeconds(30),
            $"replication slot {_slot} of the standby on port {Port} could not be dropped");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to the next run's stale-server cleanup.
        }
    }
}
