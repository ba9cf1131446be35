using Clusterpedia.Storage.Engine;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

/// <summary>The sessions the PostgreSQL engine opens run without JIT unless the connection string says otherwise, and are not reset between checkouts.</summary>
[Collection(Fixtures.PostgresCollection.Name)]
public sealed class PostgresConnectionTests
{
    [Theory]
    [InlineData("Host=h;Database=d", "-c jit=off")]
    [InlineData("Host=h;Database=d;Options=-c statement_timeout=5000", "-c statement_timeout=5000 -c jit=off")]
    [InlineData("Host=h;Database=d;Options=-c jit=on", "-c jit=on")]
    public void WithoutJit_ConnectionString_AddsJitOffUnlessSet(string connectionString, string options)
    {
        new NpgsqlConnectionStringBuilder(PostgresDialect.WithoutJit(connectionString)).Options.ShouldBe(options);
    }

    [Fact]
    public async Task OpenConnection_EngineSession_JitOff()
    {
        var server = await PostgresServer.SharedAsync();
        await using var dialect = new PostgresDialect(server.ConnectionString(await server.CreateDatabaseAsync("jit")));
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);

        (await SqliteSchemaTests.ScalarAsync(connection, "SHOW jit")).ShouldBe("off");
    }

    [Fact]
    public async Task OpenConnection_SessionBackFromThePool_NotResetAndItsPreparedStatementKept()
    {
        var server = await PostgresServer.SharedAsync();
        await using var dialect = new PostgresDialect(server.ConnectionString(await server.CreateDatabaseAsync("no-reset")));
        string backend;
        await using (var first = await dialect.OpenConnectionAsync(CancellationToken.None))
        {
            backend = (await SqliteSchemaTests.ScalarAsync(first, "SELECT pg_backend_pid()"))!;
            await using var prepared = new NpgsqlCommand("SELECT 1", (NpgsqlConnection)first);
            await prepared.PrepareAsync();
            await prepared.ExecuteScalarAsync();
            await SqliteSchemaTests.ScalarAsync(first, "SET clusterpedia.marker = 'set before the checkout ended'");
        }

        await using var again = await dialect.OpenConnectionAsync(CancellationToken.None);
        (await SqliteSchemaTests.ScalarAsync(again, "SELECT pg_backend_pid()")).ShouldBe(backend, "the pool gave back another session");
        (await SqliteSchemaTests.ScalarAsync(again, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT 1'")).ShouldBe("1");
        (await SqliteSchemaTests.ScalarAsync(again, "SELECT current_setting('clusterpedia.marker', true)")).ShouldBe("set before the checkout ended", "the session was reset (RESET ALL)");
        (await SqliteSchemaTests.ScalarAsync(again, "SHOW jit")).ShouldBe("off");
    }
}
