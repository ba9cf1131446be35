using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>Switches the cluster source to a host cluster: the API object store and the credential Secrets come from it.</summary>
public static class HostClusterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HostClusterObjectStore"/> as the <see cref="IApiObjectStore"/> (replacing the database's)
    /// and as the <see cref="IClusterSecretSource"/>, connected through <see cref="HostConnection"/> (the host kubeconfig, or in-cluster).
    /// Call it before the synchro manager is registered, so the store starts before it and stops after it.
    /// </summary>
    public static IServiceCollection AddHostClusterSource(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HostClusterOptions>>();
            return new HostClusterObjectStore(
                ct => HostConnection.LoadAsync(options.Value, sp.GetRequiredService<TimeProvider>(), ct),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<HostClusterObjectStore>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<HostClusterObjectStore>.Instance);
        });
        services.RemoveAll<IApiObjectStore>();
        services.AddSingleton<IApiObjectStore>(sp => sp.GetRequiredService<HostClusterObjectStore>());
        services.TryAddSingleton<IClusterSecretSource>(sp => sp.GetRequiredService<HostClusterObjectStore>());
        services.AddHostedService(sp => sp.GetRequiredService<HostClusterObjectStore>());
        return services;
    }
}
