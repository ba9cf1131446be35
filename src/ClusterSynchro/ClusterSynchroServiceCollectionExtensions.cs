using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clusterpedia.ClusterSynchro;

/// <summary>Registers the synchro manager and the catalog of synced resources it publishes.</summary>
public static class ClusterSynchroServiceCollectionExtensions
{
    public static IServiceCollection AddClusterSynchro(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var builder = services.AddOptions<SynchroOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration);
        }

        builder.Validate(o => o.PageSize > 0 && o.MaxBatch > 0 && o.WatchTimeoutSeconds > 0, "Synchro: PageSize, MaxBatch and WatchTimeoutSeconds must be positive").ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SyncedResourceCatalog>();
        services.TryAddSingleton<ClusterSynchroManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterSynchroManager>());
        return services;
    }
}
