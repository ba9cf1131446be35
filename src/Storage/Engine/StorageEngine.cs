using System.Data.Common;
using System.Globalization;
using Clusterpedia.Storage.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// One opened store: the dialect, the single-writer gate, the revision counter and the
/// schema, applied once on first use (or at start by the hosted service).
/// </summary>
internal sealed class StorageEngine : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _schemaLock = new();
    private readonly ILogger _logger;
    private Task? _schema;
    private long _rowsWritten;
    private long _nextAnalyzeAt = 10_000;
    private Task _analyze = Task.CompletedTask;

    public StorageEngine(StorageOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory)
        : this(options, options?.ConnectionString!, timeProvider, loggerFactory, standby: false)
    {
    }

    /// <summary>
    /// An engine on <paramref name="connectionString"/>; a <paramref name="standby"/> (a read-only hot standby) never
    /// migrates the schema: it replays the primary's.
    /// </summary>
    public StorageEngine(StorageOptions options, string connectionString, TimeProvider timeProvider, ILoggerFactory? loggerFactory, bool standby)
    {
        ArgumentNullException.ThrowIfNull(options);
        Dialect = options.Engine.ToLowerInvariant() switch
        {
            StorageOptions.Sqlite => new SqliteDialect(connectionString),
            StorageOptions.Postgres or "postgresql" => new PostgresDialect(connectionString),
            StorageOptions.MySql or "mariadb" => new MySqlDialect(connectionString),
            _ => throw new ArgumentException($"Storage engine '{options.Engine}' is not supported: use 'sqlite', 'postgres' or 'mysql'.", nameof(options)),
        };
        Time = timeProvider;
        TombstoneRetention = options.TombstoneRetention;
        Notifier = new StoreChangeNotifier(options, timeProvider);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Clusterpedia.Storage");
        if (standby)
        {
            _schema = Task.CompletedTask;
        }
    }

    public SqlDialect Dialect { get; }

    public TimeProvider Time { get; }

    public TimeSpan TombstoneRetention { get; }

    /// <summary>Wakes this process's change-feed readers after each committed write (and on NOTIFY, PostgreSQL).</summary>
    public StoreChangeNotifier Notifier { get; }

    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        Task schema;
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                // Not tied to the first caller's token: other callers share the task.
                _schema = MigrateAsync();
            }

            schema = _schema;
        }

        return schema.IsCompletedSuccessfully ? Task.CompletedTask : schema.WaitAsync(cancellationToken);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await Dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read statement outside any transaction and maps every row it returns.</summary>
    public async Task<List<T>> QueryAsync<T>(SqlStatement sql, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(read);
        var rows = new List<T>();
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = sql.CreateCommand(connection, transaction: null);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }
            }
        }

        return rows;
    }

    /// <summary>Waits for the write turn on single-writer engines (SQLite); a no-op elsewhere.</summary>
    private async Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (!Dialect.SingleWriter)
        {
            return NoRelease.Instance;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_writeGate);
    }

    /// <summary>Runs a write in one transaction, in turn with other writers on single-writer engines.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAsync(write, signal: true, cancellationToken);

    /// <summary>
    /// <see cref="WriteAsync{T}(Func{DbConnection, DbTransaction, Task{T}}, CancellationToken)"/>; without
    /// <paramref name="signal"/> the commit does not wake this process's watches (lease renewals: nothing to watch).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var result = await write(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (signal)
                {
                    Notifier.Signal();
                }

                return result;
            }
        }
    }

    /// <summary>
    /// Runs a write that is one statement, outside any transaction block: the statement is its own transaction and
    /// commits as it ends (no BEGIN, no COMMIT round trip). Wakes this process's watches after it, as WriteAsync does.
    /// </summary>
    public async Task<T> WriteStatementAsync<T>(Func<DbConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var result = await write(connection).ConfigureAwait(false);
            Notifier.Signal();
            return result;
        }
    }

    /// <summary>
    /// Counts written rows and refreshes planner statistics (SQLite, PostgreSQL) at 10k, 20k, 40k... rows written by this process:
    /// statistics follow the growth of the data at an amortized cost linear in the rows written.
    /// </summary>
    public async Task NoteWrittenAsync(long rows, CancellationToken cancellationToken)
    {
        var written = Interlocked.Add(ref _rowsWritten, rows);
        var next = Interlocked.Read(ref _nextAnalyzeAt);
        if (written < next || Interlocked.CompareExchange(ref _nextAnalyzeAt, written * 2, next) != next)
        {
            return;
        }

        if (Dialect.AnalyzesBesideWrites)
        {
            // On a connection of its own, not awaited: a write batch that waited for a 400 ms ANALYZE held up every
            // watch behind it (S4 p99 320 → 540 ms), and ANALYZE takes no lock the writes wait for.
            lock (_schemaLock)
            {
                if (_analyze.IsCompleted)
                {
                    _analyze = Task.Run(AnalyzeBesideWritesAsync, CancellationToken.None);
                }
            }

            return;
        }

        await WriteAsync(
            async (connection, _) =>
            {
                await Dialect.AnalyzeAsync(connection, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes <paramref name="count"/> revisions inside the write transaction and returns the first. The counter row is
    /// locked until commit, so revisions become visible in increasing order (what a watch from a revision needs).
    /// </summary>
    public Task<long> ReserveRevisionsAsync(DbConnection connection, DbTransaction transaction, long count, CancellationToken cancellationToken) =>
        Dialect.ReserveRevisionsAsync(connection, transaction, count, cancellationToken);

    /// <summary>The form of <see cref="SqlDialect.ReserveRevisionsAsync"/> for engines with UPDATE ... RETURNING.</summary>
    internal static async Task<long> ReserveRevisionsReturningAsync(DbConnection connection, DbTransaction transaction, long count, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"UPDATE storage_revision SET value = value + {sql.Param(count)} WHERE id = 1 RETURNING value");
        using var command = sql.CreateCommand(connection, transaction);
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return last - count + 1;
    }

    public static async Task<long> ReadRevisionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM storage_revision WHERE id = 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task AnalyzeBesideWritesAsync()
    {
        try
        {
            var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await Dialect.AnalyzeAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is DbException or ObjectDisposedException or InvalidOperationException)
        {
            // Statistics are an optimisation: autovacuum still analyzes later (and a store disposed meanwhile needs none).
            Log.AnalyzeFailed(_logger, Dialect.Engine, exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _analyze.ConfigureAwait(false);
        await Dialect.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }

    private async Task MigrateAsync()
    {
        await new SchemaMigrator(Dialect, _logger).MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        if (Dialect.ServerDescription is { } server)
        {
            Log.ServerFeatures(_logger, Dialect.Engine, server);
        }

        Log.SchemaReady(_logger, Dialect.Engine);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class NoRelease : IDisposable
    {
        public static readonly NoRelease Instance = new();

        public void Dispose()
        {
        }
    }
}
