using System.Diagnostics;
using Clusterpedia.Storage.Tests.Fixtures;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The change feed's revision order lives in resource_revisions on PostgreSQL, so that an update leaving the indexed
/// columns of resources alone is a HOT update. Each test has a database of its own: the table statistics it reads
/// count every write to the table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresChangeOrderTests
{
    [Fact]
    public async Task Upsert_OnlyAnnotationAndResourceVersionChange_EveryUpdateIsHot()
    {
        var connectionString = await NewDatabaseAsync("hot");
        await using (var handle = await StorageFactory.OpenAsync(Options(connectionString), CancellationToken.None))
        {
            var labels = new Dictionary<string, string> { ["app"] = "web" };
            await handle.Resources.UpsertAsync([TestObjects.Pod("c1", "ns", "churn", labels, resourceVersion: "1")], CancellationToken.None);
            for (var i = 2; i <= 6; i++)
            {
                var annotations = new Dictionary<string, string> { ["sequence"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                await handle.Resources.UpsertAsync(
                    [TestObjects.Pod("c1", "ns", "churn", labels, resourceVersion: i.ToString(System.Globalization.CultureInfo.InvariantCulture), annotations: annotations)],
                    CancellationToken.None);
            }
        }

        // A backend reports its table statistics when it exits: closing the pool ends them.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var (updates, hot) = await WaitForUpdatesAsync(connection, 5);

        updates.ShouldBe(5);
        hot.ShouldBe(5, "every update changed only unindexed columns (object, resourceVersion, revision)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE tablename = 'resources' AND indexdef LIKE '%(revision)%'")).ShouldBe("0");
    }

    [Fact]
    public async Task Writes_UpsertUpdateDeleteAndWholesaleDeletes_KeepOneRevisionRowPerResourceAtItsRevision()
    {
        var connectionString = await NewDatabaseAsync("order");
        await using var handle = await StorageFactory.OpenAsync(Options(connectionString), CancellationToken.None);
        var written = Enumerable.Range(0, 6).Select(i => TestObjects.Pod("c1", "ns", $"p{i}")).ToList();
        var others = Enumerable.Range(0, 4).Select(i => TestObjects.Pod("c2", "ns", $"q{i}")).ToList();
        var configMaps = Enumerable.Range(0, 3).Select(i => TestObjects.Object("c1", "", "v1", "configmaps", "ConfigMap", "ns", $"cm{i}")).ToList();
        await handle.Resources.UpsertAsync([.. written, .. others, .. configMaps], CancellationToken.None);
        await handle.Resources.UpsertAsync([TestObjects.Pod("c1", "ns", "p0", resourceVersion: "2"), TestObjects.Pod("c1", "ns", "p1", resourceVersion: "2")], CancellationToken.None);
        await handle.Resources.DeleteAsync([written[2].Key, written[3].Key], CancellationToken.None);

        // The feed sees the two updates after the first batch's 13 revisions, in revision order, then the two deletes.
        var pods = new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Clusters = ["c1"] };
        var changes = await handle.Changes.GetChangesAsync(pods, afterRevision: 13, limit: 100, CancellationToken.None);
        changes.Changes.Select(c => (c.Type, c.Resource.Name)).ShouldBe(
            [(ResourceChangeType.Upserted, "p0"), (ResourceChangeType.Upserted, "p1"), (ResourceChangeType.Deleted, "p2"), (ResourceChangeType.Deleted, "p3")]);

        await handle.Resources.DeleteClusterResourceAsync("c1", new Kube.GroupVersionResource("", "v1", "configmaps"), CancellationToken.None);
        await handle.Resources.DeleteClusterAsync("c2", CancellationToken.None);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT string_agg(name, ',' ORDER BY name) FROM resources")).ShouldBe("p0,p1,p4,p5");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM resource_revisions")).ShouldBe("4");
        (await SqliteSchemaTests.ScalarAsync(connection,
            "SELECT count(*) FROM resources r JOIN resource_revisions c ON c.id = r.id AND c.revision = r.revision")).ShouldBe("4");
    }

    [Fact]
    public async Task Upsert_TenThousandRowsWritten_TablesAnalyzedBesideTheWrites()
    {
        var connectionString = await NewDatabaseAsync("analyze");
        await using (var handle = await StorageFactory.OpenAsync(Options(connectionString), CancellationToken.None))
        {
            for (var batch = 0; batch < 10; batch++)
            {
                await handle.Resources.UpsertAsync(
                    [.. Enumerable.Range(0, 1000).Select(i => TestObjects.Pod("c1", $"ns{batch}", $"p{i}"))], CancellationToken.None);
            }
        }

        // Disposing the store waited for its ANALYZE; analyze_count counts only explicit ones, not autovacuum's (each
        // statement is its own transaction, so each read sees fresh statistics).
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        string? analyzed;
        do
        {
            analyzed = await SqliteSchemaTests.ScalarAsync(connection,
                "SELECT string_agg(relname || '=' || (analyze_count > 0)::text, ',' ORDER BY relname) FROM pg_stat_user_tables WHERE relname IN ('resources', 'resource_revisions')");
        }
        while (analyzed != "resource_revisions=true,resources=true" && clock.Elapsed < TimeSpan.FromSeconds(30) && await DelayAsync());

        analyzed.ShouldBe("resource_revisions=true,resources=true");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) > 0 FROM pg_stats WHERE tablename = 'resources' AND attname = 'cluster'")).ShouldBe("True");
    }

    [Fact]
    public async Task Upsert_UpdatesOfStoredRows_DoNotAddToTheAnalyzeSchedule()
    {
        // The schema check at start analyzes once; then 10k new rows (ANALYZE at 10k), 20k updates of them, and 10k new
        // rows: only new keys count, so exactly one more (at 20k new), three in all. Counting every row written, the
        // updates would have reached 20k, and the last rows 40k: four.
        var connectionString = await NewDatabaseAsync("analyze-updates");
        await using (var handle = await StorageFactory.OpenAsync(Options(connectionString), CancellationToken.None))
        {
            foreach (var (round, version) in new[] { (0, "1"), (0, "2"), (0, "3"), (1, "1") })
            {
                for (var batch = 0; batch < 10; batch++)
                {
                    await handle.Resources.UpsertAsync(
                        [.. Enumerable.Range(0, 1000).Select(i => TestObjects.Pod("c1", $"ns{round}-{batch}", $"p{i}", resourceVersion: version))], CancellationToken.None);
                }
            }
        }

        // The store was disposed after its last ANALYZE; once its sessions are gone, their statistics are all flushed.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        while (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") != "0")
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the store's sessions never ended");
            await DelayAsync();
        }

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'resources'")).ShouldBe("3");
    }

    private static async Task<bool> DelayAsync()
    {
        await Task.Delay(100);
        return true;
    }

    private static async Task<(long Updates, long Hot)> WaitForUpdatesAsync(NpgsqlConnection connection, long expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT pg_stat_clear_snapshot(); SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'resources'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            var result = (reader.GetInt64(0), reader.GetInt64(1));
            if (result.Item1 >= expected || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return result;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<string> NewDatabaseAsync(string prefix)
    {
        var server = await PostgresServer.SharedAsync();
        return server.ConnectionString(await server.CreateDatabaseAsync(prefix));
    }

    private static StorageOptions Options(string connectionString) =>
        new() { Engine = StorageOptions.Postgres, ConnectionString = connectionString };
}
