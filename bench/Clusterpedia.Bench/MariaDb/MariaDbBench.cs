using System.Globalization;
using Clusterpedia.TestSupport.MariaDb;
using MySqlConnector;

namespace Clusterpedia.Bench.MariaDb;

/// <summary>
/// The MySQL column of the benchmark: the private MariaDB of tests/TestSupport (<see cref="MariaDbServer"/>, the same
/// start and stop code the storage tests use) with production-like settings, and the few statements the harness runs
/// on it beside the storage (version, statistics, table size).
/// </summary>
internal static class MariaDbBench
{
    /// <summary>
    /// For the S2 load on a 24 GiB machine: a buffer pool that holds the 1M-row table (InnoDB reads with O_DIRECT, so
    /// the OS page cache does not help it as it helps PostgreSQL), durability as shipped (flush the log at every
    /// commit, doublewrite on), as PostgreSQL runs with fsync and synchronous_commit.
    /// </summary>
    public static readonly string[] SearchSettings =
    [
        "innodb-buffer-pool-size=6G", "innodb-log-file-size=1G", "innodb-flush-log-at-trx-commit=1", "innodb-doublewrite=1",
        "max-connections=100",
    ];

    /// <summary>For the end-to-end runs (about 100,000 objects): a smaller pool, durability as shipped.</summary>
    public static readonly string[] EndToEndSettings =
        ["innodb-buffer-pool-size=1G", "innodb-flush-log-at-trx-commit=1", "innodb-doublewrite=1", "max-connections=100"];

    /// <summary>The <paramref name="defaults"/> with each of <paramref name="overrides"/> in place of the default of the same name (or added).</summary>
    public static string[] WithSettings(IReadOnlyList<string> defaults, IReadOnlyList<string> overrides)
    {
        static string Name(string setting) => setting[..setting.IndexOf('=', StringComparison.Ordinal)].Replace('_', '-');
        var names = overrides.Select(Name).ToHashSet(StringComparer.Ordinal);
        return [.. defaults.Where(d => !names.Contains(Name(d))), .. overrides];
    }

    /// <summary>A fresh database on the server and the connection string of the storage for it.</summary>
    public static async Task<string> CreateStorageDatabaseAsync(MariaDbServer server)
    {
        var database = await server.CreateDatabaseAsync("bench");
        return server.ConnectionString(database);
    }

    /// <summary>The database <c>bench</c> of a kept server (<c>--mysql-data</c>), created by its first run, and the connection string of the storage for it.</summary>
    public static async Task<string> KeptStorageDatabaseAsync(MariaDbServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        await ExecuteAsync(server.ConnectionString(""),
            "CREATE DATABASE IF NOT EXISTS bench CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", cancellationToken);
        return server.ConnectionString("bench");
    }

    /// <summary>ANALYZE TABLE: fresh index statistics for the optimizer after the bulk load (InnoDB samples by itself once 10 % of a table changed).</summary>
    public static Task AnalyzeAsync(string connectionString, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, "ANALYZE TABLE resources, resource_labels", cancellationToken);

    /// <summary>
    /// Bytes of the resources table and its label side table (written with every resource, one row per label) with
    /// their indexes (InnoDB's page counts, as information_schema reports them), and the resources' rows.
    /// </summary>
    public static async Task<(long Bytes, long Rows)> TableSizeAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The page counts in information_schema come from the persistent statistics: refresh them first.
        await AnalyzeAsync(connectionString, cancellationToken);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('resources', 'resource_labels')),
                   (SELECT count(*) FROM resources)
            """;
        command.CommandTimeout = 1800;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        // Fixed statements of the harness only; nothing from input.
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 1800;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
        }
    }
}
