using Clusterpedia.TestSupport.MariaDb;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>A fresh database on the test run's private MariaDB, opened through the mysql engine.</summary>
public sealed class MariaDbStorageFixture : StorageFixture
{
    private string? _connectionString;

    public override StorageOptions Options => new()
    {
        Engine = StorageOptions.MySql,
        ConnectionString = _connectionString ?? throw new InvalidOperationException("fixture not initialized"),
    };

    protected override async Task PrepareAsync()
    {
        var server = await MariaDbServer.SharedAsync();
        _connectionString = server.ConnectionString(await server.CreateDatabaseAsync("storage"));
    }

    protected override Task CleanupAsync() => Task.CompletedTask;
}
