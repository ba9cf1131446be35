using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// What an upsert statement reports to the planner statistics' schedule: on SQLite and PostgreSQL only the keys it
/// inserted, not the updates of stored rows nor the rows it left as they were (StorageEngine.NoteWrittenAsync).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UpsertNewKeysTests(SqliteStorageFixture sqlite) : IClassFixture<SqliteStorageFixture>
{
    [Fact]
    public async Task UpsertAsync_Sqlite_ReturnsTheNewKeysOnly()
    {
        await using var dialect = new SqliteDialect(sqlite.Options.ConnectionString);
        await AssertNewKeysOnlyAsync(dialect);
    }

    [Fact]
    public async Task UpsertAsync_Postgres_ReturnsTheNewKeysOnly()
    {
        var server = await PostgresServer.SharedAsync();
        var connectionString = server.ConnectionString(await server.CreateDatabaseAsync("new-keys"));
        await (await StorageFactory.OpenAsync(new StorageOptions { Engine = StorageOptions.Postgres, ConnectionString = connectionString }, CancellationToken.None)).DisposeAsync();
        await using var dialect = new PostgresDialect(connectionString);
        await AssertNewKeysOnlyAsync(dialect);
    }

    private static async Task AssertNewKeysOnlyAsync(SqlDialect dialect)
    {
        static ResourceRecord Pod(string name, string resourceVersion) =>
            TestObjects.Pod("c", "ns", name, resourceVersion: resourceVersion, group: "new-keys.test");
        var now = TestObjects.Epoch;
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();

        (await dialect.UpsertAsync(connection, transaction, [Pod("a", "1"), Pod("b", "1")], 1_000_000, now, CancellationToken.None)).ShouldBe(2);
        (await dialect.UpsertAsync(connection, transaction, [Pod("a", "2"), Pod("b", "1"), Pod("c", "1")], 1_000_010, now, CancellationToken.None))
            .ShouldBe(1, "a is updated, b is left as it was, c is new");
        (await dialect.UpsertAsync(connection, transaction, [Pod("a", "3"), Pod("c", "2")], 1_000_020, now, CancellationToken.None)).ShouldBe(0);

        // Nothing of this test stays in the shared stores.
        await transaction.RollbackAsync();
    }
}
