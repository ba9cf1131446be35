using System.Globalization;
using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The PostgreSQL wake-up of change-feed readers across processes: every committed write transaction NOTIFYs its last
/// revision, and <see cref="PostgresChangeListener"/> keeps a LISTEN connection that survives being cut.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresChangeNotifyTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task UpsertAndDelete_Committed_NotifyOncePerTransactionWithTheLastRevision()
    {
        await using var listener = new NpgsqlConnection(fixture.Options.ConnectionString);
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresDialect.ChangeChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        // Three objects in one batch: one transaction, one notification carrying the last of its three revisions.
        await fixture.Handle.Resources.UpsertAsync(
            [TestObjects.Pod("notify", "ns", "a"), TestObjects.Pod("notify", "ns", "b"), TestObjects.Pod("notify", "ns", "c")], CancellationToken.None);
        var afterUpsert = await RevisionAsync();
        await fixture.Handle.Resources.DeleteAsync([new ResourceKey("notify", "", "v1", "pods", "ns", "b")], CancellationToken.None);
        var afterDelete = await RevisionAsync();

        using var cts = new CancellationTokenSource(_timeout);
        while (payloads.Count < 2)
        {
            await listener.WaitAsync(cts.Token);
        }

        payloads.ShouldBe([afterUpsert.ToString(CultureInfo.InvariantCulture), afterDelete.ToString(CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task Listener_BackendTerminated_ReconnectsAndWakesOnOtherWritersCommits()
    {
        var engine = new StorageEngine(fixture.Options, TimeProvider.System, loggerFactory: null);
        await using var _ = engine;
        using var listener = new PostgresChangeListener(engine, NullLoggerFactory.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => engine.Notifier.Listening, "the listener never reported LISTEN up", _timeout);
            var first = await ListenerPidAsync();
            first.ShouldNotBeNull();

            // A write of another engine (another process, as far as this one knows) wakes this one's readers.
            await WritingWakesAsync(engine.Notifier, "before");

            // The server cuts the LISTEN connection: the listener reports it down, reconnects, and wakes readers again.
            await using (var admin = new NpgsqlConnection(fixture.Options.ConnectionString))
            {
                await admin.OpenAsync();
                await using var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({first})", admin);
                await kill.ExecuteScalarAsync();
            }

            await Eventually.UntilAsync(async () => engine.Notifier.Listening && await ListenerPidAsync() is { } pid && pid != first, _timeout,
                "the listener never came back on a new connection after its backend was terminated", TimeSpan.FromMilliseconds(50));
            await WritingWakesAsync(engine.Notifier, "after");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }

        engine.Notifier.Listening.ShouldBeFalse();
    }

    private async Task WritingWakesAsync(StoreChangeNotifier notifier, string name)
    {
        var wake = notifier.NextChange;
        await fixture.Handle.Resources.UpsertAsync([TestObjects.Pod("listener", "ns", name)], CancellationToken.None);
        await wake.WaitAsync(_timeout);
    }

    private async Task<long> RevisionAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM storage_revision WHERE id = 1", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task<int?> ListenerPidAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '{PostgresDialect.ListenApplicationName}' ORDER BY backend_start DESC LIMIT 1", connection);
        return await command.ExecuteScalarAsync() is int pid ? pid : null;
    }
}
