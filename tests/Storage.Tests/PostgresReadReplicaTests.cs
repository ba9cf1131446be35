using Clusterpedia.Storage.Tests.Fixtures;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// Reads from a real PostgreSQL hot standby (<see cref="StorageOptions.ReadConnectionStrings"/>): they see the primary's
/// writes once replayed, never go below a revision the request carries or the process served (the standby's replay is
/// paused with pg_wal_replay_pause to make it lag), and fall back to the primary when the standby is down.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReadReplicaTests : IAsyncLifetime
{
    private const string _cluster = "replica";
    private static readonly ResourceQuery _pods = new() { Group = "", Version = "v1", Resource = "pods", Clusters = [_cluster] };

    private PostgresStandby _standby = null!;
    private string _primary = "";
    private string _replica = "";
    private StorageHandle _writer = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("replica");
        _primary = server.ConnectionString(database);
        _writer = await StorageFactory.OpenAsync(new StorageOptions { Engine = StorageOptions.Postgres, ConnectionString = _primary }, CancellationToken.None);
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "a")], CancellationToken.None);
        _standby = await server.StartStandbyAsync();
        _replica = _standby.ConnectionString(database);
        await _standby.CatchUpAsync();
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _standby.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task ListAsync_PrimaryWriteReplayed_ServedByTheStandby()
    {
        await using var reader = await OpenReaderAsync(TimeSpan.FromSeconds(5));
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "b")], CancellationToken.None);
        await _standby.CatchUpAsync();

        var page = await reader.Resources.ListAsync(_pods, CancellationToken.None);

        page.Items.Select(i => i.Name).ShouldBe(["a", "b"]);
        page.Revision.ShouldBe(await PrimaryRevisionAsync());
        reader.ReadReplicas.StandbyReads.ShouldBe(1);
        reader.ReadReplicas.PrimaryFallbacks.ShouldBe(0);
    }

    [Fact]
    public async Task ListAsync_ResourceVersionAheadOfPausedStandby_ServedByThePrimaryNotOlder()
    {
        await using var reader = await OpenReaderAsync(TimeSpan.FromMilliseconds(200));
        await PauseReplayAsync();
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "b")], CancellationToken.None);
        var written = await PrimaryRevisionAsync();

        var page = await reader.Resources.ListAsync(_pods with { MinRevision = written }, CancellationToken.None);

        page.Revision.ShouldBeGreaterThanOrEqualTo(written);
        page.Items.Select(i => i.Name).ShouldBe(["a", "b"]);
        reader.ReadReplicas.PrimaryFallbacks.ShouldBe(1);
        reader.ReadReplicas.InUse.ShouldBe(0, "a standby that lagged past the wait is skipped until its retry time");

        // A plain list after that is not older than what this process served, though the standby is still behind.
        var plain = await reader.Resources.ListAsync(_pods, CancellationToken.None);
        plain.Revision.ShouldBeGreaterThanOrEqualTo(written);
        plain.Items.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ListAsync_ContinueTokenAheadOfStandby_WaitsForReplayThenServedByTheStandby()
    {
        await using var reader = await OpenReaderAsync(TimeSpan.FromSeconds(20));
        await PauseReplayAsync();
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "b"), TestObjects.Pod(_cluster, "ns", "c")], CancellationToken.None);

        // The first page from the primary (another replica of the API, say), the next one through the standby.
        var first = await _writer.Resources.ListAsync(_pods with { Limit = 1 }, CancellationToken.None);
        first.Continue.ShouldNotBeNull();
        var next = reader.Resources.ListAsync(_pods with { Limit = 1, Continue = first.Continue }, CancellationToken.None);
        await Eventually.UntilAsync(async () => await ReplayPausedAsync(), TimeSpan.FromSeconds(10), "the standby's replay pause never took effect");
        next.IsCompleted.ShouldBeFalse("the standby has not replayed the token's revision: the read must wait for it");
        await ResumeReplayAsync();

        var page = await next;
        page.Revision.ShouldBeGreaterThanOrEqualTo(first.Revision);
        page.Items.Select(i => i.Name).ShouldBe(["b"]);
        reader.ReadReplicas.StandbyReads.ShouldBe(1);
        reader.ReadReplicas.PrimaryFallbacks.ShouldBe(0);
    }

    [Fact]
    public async Task GetChangesAsync_AfterRevisionAheadOfPausedStandby_ServedByThePrimaryWithTheChange()
    {
        await using var reader = await OpenReaderAsync(TimeSpan.FromMilliseconds(200));
        var before = await PrimaryRevisionAsync();
        await PauseReplayAsync();
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "b")], CancellationToken.None);
        var written = await PrimaryRevisionAsync();
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "c")], CancellationToken.None);

        var changes = await reader.Changes.GetChangesAsync(_pods, written, 100, CancellationToken.None);

        changes.Expired.ShouldBeFalse();
        changes.Revision.ShouldBeGreaterThan(written);
        changes.Changes.Select(c => c.Resource.Name).ShouldBe(["c"]);
        reader.ReadReplicas.PrimaryFallbacks.ShouldBe(1);
        before.ShouldBeLessThan(written);
    }

    [Fact]
    public async Task ListAsync_StandbyStopped_ServedByThePrimaryAndTriedAgainLater()
    {
        await using var reader = await OpenReaderAsync(TimeSpan.FromSeconds(1), retry: TimeSpan.FromMilliseconds(200));
        (await reader.Resources.ListAsync(_pods, CancellationToken.None)).Items.Count.ShouldBe(1);
        reader.ReadReplicas.StandbyReads.ShouldBe(1);

        await _standby.StopAsync();
        NpgsqlConnection.ClearAllPools();
        await _writer.Resources.UpsertAsync([TestObjects.Pod(_cluster, "ns", "b")], CancellationToken.None);

        var page = await reader.Resources.ListAsync(_pods, CancellationToken.None);
        page.Items.Select(i => i.Name).ShouldBe(["a", "b"]);
        reader.ReadReplicas.PrimaryFallbacks.ShouldBe(1);
        reader.ReadReplicas.InUse.ShouldBe(0);

        // After the retry interval the standby is tried again (and, still down, the primary answers again).
        await Eventually.UntilAsync(
            async () =>
            {
                (await reader.Resources.ListAsync(_pods, CancellationToken.None)).Items.Count.ShouldBe(2);
                return reader.ReadReplicas.PrimaryFallbacks >= 2;
            },
            TimeSpan.FromSeconds(10),
            "reads kept failing or the standby was never retried");
    }

    private Task<StorageHandle> OpenReaderAsync(TimeSpan maxWait, TimeSpan? retry = null)
    {
        var options = new StorageOptions
        {
            Engine = StorageOptions.Postgres,
            ConnectionString = _primary,
            ReadReplicaMaxWait = maxWait,
            ReadReplicaRetryInterval = retry ?? TimeSpan.FromMinutes(5),
        };
        options.ReadConnectionStrings.Add(_replica);
        return StorageFactory.OpenAsync(options, CancellationToken.None);
    }

    private async Task<long> PrimaryRevisionAsync() => await ScalarAsync<long>(_primary, "SELECT value FROM storage_revision WHERE id = 1");

    private async Task PauseReplayAsync() => await ScalarAsync<object>(_replica, "SELECT pg_wal_replay_pause()");

    private async Task ResumeReplayAsync() => await ScalarAsync<object>(_replica, "SELECT pg_wal_replay_resume()");

    private async Task<bool> ReplayPausedAsync() => await ScalarAsync<string>(_replica, "SELECT pg_get_wal_replay_pause_state()") == "paused";

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
