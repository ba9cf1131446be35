using Clusterpedia.ClusterSynchro.Encryption;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Sharding;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.ClusterSynchro.Workloads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clusterpedia.ClusterSynchro;

/// <summary>
/// Registers the synchro manager and the catalog of synced resources it publishes; with <c>HostKubeconfig</c> set in
/// the configuration, the cluster source is the host cluster (hosted mode) instead of our own store. Without
/// synchros (an API-only process), the catalog and the <see cref="IClusterSyncState"/> are read from the shared store
/// instead: what the synchros of another process published there.
/// </summary>
public static class ClusterSynchroServiceCollectionExtensions
{
    public static IServiceCollection AddClusterSynchro(this IServiceCollection services, IConfiguration? configuration = null, bool runSynchros = true)
    {
        var builder = services.AddOptions<SynchroOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration);
        }

        builder.Validate(o => o.PageSize > 0 && o.MaxBatch > 0 && o.WatchTimeoutSeconds > 0, "Synchro: PageSize, MaxBatch and WatchTimeoutSeconds must be positive")
            .Validate(o => o.StorePollInterval > TimeSpan.Zero, "Synchro:StorePollInterval must be positive")
            .ValidateOnStart();
        var sharding = services.AddOptions<SynchroShardingOptions>();
        if (configuration is not null)
        {
            sharding.Bind(configuration.GetSection(SynchroShardingOptions.Section));
        }

        sharding.Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "Synchro:Sharding:LeaseDuration must be at least one second")
            .Validate(o => o.Identity is null || o.Identity.Length is > 0 and <= 253, "Synchro:Sharding:Identity must be 1 to 253 characters")
            .Validate(o => o.Name is null || o.Name.Length <= 253, "Synchro:Sharding:Name must be at most 253 characters")
            .ValidateOnStart();
        var hosted = services.AddOptions<HostClusterOptions>();
        var hostedOptions = new HostClusterOptions();
        if (configuration is not null)
        {
            hosted.Bind(configuration);
            configuration.Bind(hostedOptions);
        }

        hosted.Validate(o => string.IsNullOrWhiteSpace(o.HostKubeconfig) || File.Exists(o.HostKubeconfig), "Synchro:HostKubeconfig: the kubeconfig file of the host cluster does not exist")
            .Validate(
                o => !o.UsesInCluster || new Kube.Config.InClusterConfig().IsAvailable,
                "Synchro:HostInCluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set, so this process does not run in a pod; give --host-kubeconfig instead")
            .Validate(o => !string.IsNullOrWhiteSpace(o.SecretNamespace), "Synchro:SecretNamespace is required")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        if (hostedOptions.Enabled)
        {
            // Before the manager: the host store starts first and stops last.
            services.AddHostClusterSource();
        }

        services.AddOptions<CredentialEncryptionOptions>();
        services.TryAddSingleton<CredentialProtector>();
        services.TryAddSingleton<SyncedResourceCatalog>();
        services.TryAddSingleton<SynchroMetrics>();
        services.AddWorkloadPlugins(runSynchros);
        if (!runSynchros)
        {
            services.TryAddSingleton<StoredClusterSyncState>();
            services.TryAddSingleton<IClusterSyncState>(sp => sp.GetRequiredService<StoredClusterSyncState>());
            services.AddHostedService(sp => sp.GetRequiredService<StoredClusterSyncState>());
            return services;
        }

        // The publisher before the manager: it listens before the first synchro publishes, and stops after the last.
        services.AddHostedService<SyncedResourcePublisher>();
        services.TryAddSingleton<ClusterSynchroManager>();
        services.TryAddSingleton<IClusterSyncState>(sp => sp.GetRequiredService<ClusterSynchroManager>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterSynchroManager>());

        // Stored pods follow plugin changes (and get their workload columns after the migration that added them).
        services.AddHostedService<Workloads.WorkloadReresolver>();
        return services;
    }
}
