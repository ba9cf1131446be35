using Clusterpedia.Storage.Engine;

namespace Clusterpedia.Storage;

/// <summary>An opened store outside dependency injection (tests, benchmarks, tools).</summary>
public sealed class StorageHandle : IAsyncDisposable
{
    private readonly StorageEngine _engine;

    internal StorageHandle(StorageEngine engine)
    {
        _engine = engine;
        var resources = new SqlResourceStorage(engine);
        Resources = resources;
        Changes = resources;
        ApiObjects = new SqlApiObjectStore(engine);
        Leases = new SqlSynchroLeaseStore(engine);
    }

    public IResourceStorage Resources { get; }

    public IResourceChangeFeed Changes { get; }

    public IDatabaseObjectStore ApiObjects { get; }

    /// <summary>Leases of sharded synchro replicas, and the generations that fence their writes.</summary>
    public ISynchroLeaseStore Leases { get; }

    /// <summary>Wakes change-feed readers after this handle's writes (no LISTEN connection outside dependency injection).</summary>
    public StoreChangeNotifier Notifier => _engine.Notifier;

    /// <summary>sqlite or postgres.</summary>
    public string Engine => _engine.Dialect.Engine;

    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}
