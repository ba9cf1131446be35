using Clusterpedia.Storage.Engine;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

/// <summary>The sessions the PostgreSQL engine opens run without JIT unless the connection string says otherwise.</summary>
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
}
