using System.Globalization;
using Npgsql;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// One PostgreSQL hot standby as the router sees it: its own engine (no schema migration: it replays the primary's),
/// the highest revision it is known to have replayed, and until when it is skipped after being down or lagging.
/// </summary>
internal sealed class ReadReplica : IAsyncDisposable
{
    private readonly StorageEngine _engine;
    private long _applied;
    private long _skippedUntilTicks;

    public ReadReplica(StorageOptions options, string connectionString, TimeProvider time, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        _engine = new StorageEngine(options, connectionString, time, loggerFactory, standby: true);
        Storage = new SqlResourceStorage(_engine);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);

        // Host and port only: the name goes to logs, which must not carry the password.
        Name = string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}");
    }

    public string Name { get; }

    public SqlResourceStorage Storage { get; }

    /// <summary>The highest store revision this standby was seen to have replayed.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>True while the standby was marked down or lagging and its retry time has not come.</summary>
    public bool IsSkipped(DateTimeOffset now) => now.UtcTicks < Interlocked.Read(ref _skippedUntilTicks);

    public void Skip(DateTimeOffset until) => Interlocked.Exchange(ref _skippedUntilTicks, until.UtcTicks);

    /// <summary>Clears the skip mark; true when there was one.</summary>
    public bool Restore() => Interlocked.Exchange(ref _skippedUntilTicks, 0) != 0;

    public void NoteApplied(long revision) => AtomicMax.Raise(ref _applied, revision);

    /// <summary>Reads the revision counter row as the standby has replayed it (the row is replicated with every write).</summary>
    public async Task<long> ReadAppliedAsync(CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append("SELECT value FROM storage_revision WHERE id = 1");
        var rows = await _engine.QueryAsync(sql, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        var applied = rows.Count == 0 ? 0 : rows[0];
        NoteApplied(applied);
        return applied;
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}
