using Microsoft.Data.Sqlite;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>A fresh SQLite file in a temporary directory.</summary>
public sealed class SqliteStorageFixture : StorageFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clusterpedia-storage-" + Guid.NewGuid().ToString("N"));

    public override StorageOptions Options => new()
    {
        Engine = StorageOptions.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(_directory, "store.db")}",
    };

    protected override Task PrepareAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    protected override Task CleanupAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
