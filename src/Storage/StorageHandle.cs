using Clusterpedia.Storage.Engine;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.Storage;

/// <summary>An opened store outside dependency injection (tests, benchmarks, tools).</summary>
public sealed class StorageHandle : IAsyncDisposable
{
    private readonly StorageEngine _engine;

    private readonly ReadReplicaRouter _resources;

    internal StorageHandle(StorageEngine engine, StorageOptions options, ILoggerFactory? loggerFactory)
    {
        _engine = engine;
        _resources = new ReadReplicaRouter(engine, options, ReadReplicas, loggerFactory);
        Resources = _resources;
        Changes = _resources;
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

    /// <summary>What the read replicas (<see cref="StorageOptions.ReadConnectionStrings"/>) served.</summary>
    public ReadReplicaStatus ReadReplicas { get; } = new();

    /// <summary>sqlite or postgres.</summary>
    public string Engine => _engine.Dialect.Engine;

    public async ValueTask DisposeAsync()
    {
        await _resources.DisposeAsync().ConfigureAwait(false);
        await _engine.DisposeAsync().ConfigureAwait(false);
    }
}
