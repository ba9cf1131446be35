using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>A fresh database on the test run's private PostgreSQL.</summary>
public sealed class PostgresStorageFixture : StorageFixture
{
    private string? _connectionString;

    public override StorageOptions Options => new()
    {
        Engine = StorageOptions.Postgres,
        ConnectionString = _connectionString ?? throw new InvalidOperationException("fixture not initialized"),
    };

    protected override async Task PrepareAsync()
    {
        var server = await PostgresServer.SharedAsync();
        _connectionString = server.ConnectionString(await server.CreateDatabaseAsync("storage"));
    }

    protected override Task CleanupAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return Task.CompletedTask;
    }
}
