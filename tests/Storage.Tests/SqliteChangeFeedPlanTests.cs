using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The change feed on SQLite walks the revision index from the watcher's revision and stops at its page, whatever the
/// planner statistics say. Under S4's churn the planner sometimes estimated the type's index cheaper and sorted every
/// pod by revision for each page of 500 (150 ms instead of under one), and the watch fell seconds behind.
/// </summary>
public sealed class SqliteChangeFeedPlanTests(SqliteStorageFixture store) : IClassFixture<SqliteStorageFixture>
{
    [Fact]
    public async Task Changes_StatisticsFavourTheTypeIndex_StillWalksTheRevisionIndex()
    {
        var query = new ResourceQuery { Group = "", Version = "v1", Resource = "pods" };
        await using var connection = new SqliteConnection(store.Options.ConnectionString);
        await connection.OpenAsync();

        // Statistics that make one type look like a handful of rows among a million, and no samples of revisions:
        // the estimates that lure the planner onto (group, version, resource) and a sort.
        await ExecuteAsync(connection, "ANALYZE");
        await ExecuteAsync(connection, "DELETE FROM sqlite_stat1 WHERE tbl = 'resources'");
        await ExecuteAsync(connection, """
            INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
              ('resources', 'ix_resources_gvr_created_at', '1000000 2 2 2 1'),
              ('resources', 'ix_resources_revision', '1000000 1')
            """);
        if (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat4'") == "1")
        {
            await ExecuteAsync(connection, "DELETE FROM sqlite_stat4 WHERE tbl = 'resources'");
        }

        await ExecuteAsync(connection, "ANALYZE sqlite_master");

        var unhinted = await PlanAsync(connection, """
            SELECT id FROM resources r WHERE r."group" = '' AND r.version = 'v1' AND r.resource = 'pods' AND r.revision > 5
            ORDER BY r.revision LIMIT 500
            """);
        unhinted.ShouldContain("ix_resources_gvr_created_at", customMessage: "these statistics no longer tempt the planner: the test proves nothing");

        var feed = ListQueryBuilder.Changes(query, new SqliteDialect(store.Options.ConnectionString), afterRevision: 5, limit: 500);
        using var command = feed.CreateCommand(connection, transaction: null);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = await ReadPlanAsync(command);
        plan.ShouldContain("USING INDEX ix_resources_revision (revision>?)");
        plan.ShouldNotContain("ix_resources_gvr_created_at");

        // And the feed still answers: the seed's pods after revision 5, in revision order.
        var changes = await store.Handle.Changes.GetChangesAsync(query, 5, 500, CancellationToken.None);
        changes.Changes.ShouldNotBeEmpty();
        changes.Changes.Select(c => c.Resource.Revision).ShouldBeInOrder(SortDirection.Ascending);
        changes.Changes.ShouldAllBe(c => c.Resource.Revision > 5 && c.Resource.Resource == "pods");
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> PlanAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        return await ReadPlanAsync(command);
    }

    private static async Task<string> ReadPlanAsync(System.Data.Common.DbCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(reader.FieldCount - 1));
        }

        return string.Join('\n', lines);
    }
}
