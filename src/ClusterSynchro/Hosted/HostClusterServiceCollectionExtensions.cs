using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Config;
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
    /// and as the <see cref="IClusterSecretSource"/>, connected through <see cref="HostClusterOptions.HostKubeconfig"/>.
    /// Call it before the synchro manager is registered, so the store starts before it and stops after it.
    /// </summary>
    public static IServiceCollection AddHostClusterSource(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HostClusterOptions>>();
            return new HostClusterObjectStore(
                ct => LoadAsync(options.Value, ct),
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

    private static async Task<Kube.Client.KubeClientOptions> LoadAsync(HostClusterOptions options, CancellationToken ct)
    {
        var config = await Kubeconfig.LoadFileAsync(options.HostKubeconfig!, ct).ConfigureAwait(false);
        return await config.ToOptionsAsync(options.HostContext, ct).ConfigureAwait(false);
    }
}
