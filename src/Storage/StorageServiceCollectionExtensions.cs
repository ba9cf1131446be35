using Clusterpedia.Storage.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IResourceStorage"/>, <see cref="IResourceChangeFeed"/>, <see cref="IDatabaseObjectStore"/> and
    /// <see cref="IApiObjectStore"/> (the same object unless a host cluster replaces it; singletons, TryAdd so tests can swap
    /// them) and a hosted service applying the schema at start. Call it before registering hosted services that use the store.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, Action<StorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<StorageOptions>()
            .Configure(configure)
            .Validate(o => o.Engine.ToLowerInvariant() is StorageOptions.Sqlite or StorageOptions.Postgres or "postgresql" or StorageOptions.MySql or "mariadb", "Storage:Engine must be 'sqlite', 'postgres' or 'mysql'")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Storage:ConnectionString is required")
            .Validate(o => o.WatchPollInterval > TimeSpan.Zero && o.ListeningWatchPollInterval > TimeSpan.Zero, "Storage:WatchPollInterval and Storage:ListeningWatchPollInterval must be positive durations")
            .Validate(o => o.ReadConnectionStrings.Count == 0 || o.Engine.ToLowerInvariant() is StorageOptions.Postgres or "postgresql", "Storage:ReadConnectionStrings needs Storage:Engine postgres: read replicas are PostgreSQL hot standbys")
            .Validate(o => o.ReadConnectionStrings.All(IsPostgresConnectionString), "Storage:ReadConnectionStrings: every entry must be a PostgreSQL connection string (Host=...;Port=...;Database=...)")
            .Validate(o => o.ReadReplicaMaxWait >= TimeSpan.Zero && o.ReadReplicaRetryInterval > TimeSpan.Zero, "Storage:ReadReplicaMaxWait must not be negative and Storage:ReadReplicaRetryInterval must be a positive duration")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new StorageEngine(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new SqlResourceStorage(sp.GetRequiredService<StorageEngine>()));
        services.TryAddSingleton<ReadReplicaStatus>();
        services.TryAddSingleton(sp => new ReadReplicaRouter(
            sp.GetRequiredService<SqlResourceStorage>(),
            sp.GetRequiredService<StorageEngine>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<ReadReplicaStatus>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IResourceStorage>(sp => sp.GetRequiredService<ReadReplicaRouter>());
        services.TryAddSingleton<IResourceChangeFeed>(sp => sp.GetRequiredService<ReadReplicaRouter>());
        services.TryAddSingleton<IDatabaseObjectStore>(sp => new SqlApiObjectStore(sp.GetRequiredService<StorageEngine>()));
        services.TryAddSingleton<IApiObjectStore>(sp => sp.GetRequiredService<IDatabaseObjectStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageEngine>().Notifier);
        services.TryAddSingleton<ISynchroLeaseStore>(sp => new SqlSynchroLeaseStore(sp.GetRequiredService<StorageEngine>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageSchemaService>());
        return services;
    }

    private static bool IsPostgresConnectionString(string text)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new Npgsql.NpgsqlConnectionStringBuilder(text).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Keeps one PostgreSQL LISTEN connection in this process, so that <see cref="StoreChangeNotifier"/> wakes watches
    /// when any process commits a write (call it in processes that serve watches; a no-op on SQLite and MySQL).
    /// </summary>
    public static IServiceCollection AddStorageChangeListener(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresChangeListener>());
        return services;
    }

    /// <summary>
    /// <see cref="AddStorage(IServiceCollection, Action{StorageOptions})"/> bound from a configuration section
    /// (<c>Engine</c>, <c>ConnectionString</c>, <c>Collections</c>), e.g. <c>configuration.GetSection("Storage")</c>,
    /// so environment variables such as <c>Storage__ConnectionString</c> apply.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddStorage(options => configuration.Bind(options));
    }
}
