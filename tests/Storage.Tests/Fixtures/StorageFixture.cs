namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// One opened store per test class, per engine, seeded with the shared read-only data set of <see cref="SeedData"/>.
/// Tests that write use their own resource names so they never disturb the seed.
/// </summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private StorageHandle? _handle;

    public StorageHandle Handle => _handle ?? throw new InvalidOperationException("fixture not initialized");

    public IResourceStorage Resources => Handle.Resources;

    public IApiObjectStore ApiObjects => Handle.ApiObjects;

    /// <summary>Options for another handle on the same database (schema idempotence, restarts).</summary>
    public abstract StorageOptions Options { get; }

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        _handle = await StorageFactory.OpenAsync(Options, CancellationToken.None);
        await SeedData.WriteAsync(_handle.Resources);
    }

    public async Task DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.DisposeAsync();
        }

        await CleanupAsync();
    }

    protected abstract Task PrepareAsync();

    protected abstract Task CleanupAsync();
}
