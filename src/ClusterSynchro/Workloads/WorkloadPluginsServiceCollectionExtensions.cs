using Clusterpedia.ClusterSynchro.Workloads.Lua;
using Clusterpedia.ClusterSynchro.Workloads.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// Registers the Lua plugin runtime as the <see cref="IWorkloadPlugins"/> the synchros ask, and (where synchros run)
/// the loader that keeps it equal to the stored WorkloadPlugin objects and writes their status.
/// </summary>
public static class WorkloadPluginsServiceCollectionExtensions
{
    public static IServiceCollection AddWorkloadPlugins(this IServiceCollection services, bool runSynchros)
    {
        services.AddOptions<LuaPluginOptions>()
            .Validate(o => o.MaxInstructions > 0 && o.MaxMemoryBytes > 0 && o.Timeout > TimeSpan.Zero && o.HookEvery > 0 && o.MaxConsecutiveFailures > 0,
                "Plugins: MaxInstructions, MaxMemoryBytes, Timeout, HookEvery and MaxConsecutiveFailures must be positive")
            .ValidateOnStart();
        services.TryAddSingleton<LuaWorkloadPlugins>();
        services.TryAddSingleton<IWorkloadPlugins>(sp => sp.GetRequiredService<LuaWorkloadPlugins>());
        if (runSynchros)
        {
            // Only processes that resolve pods load plugins and report how they fare.
            services.TryAddSingleton<WorkloadPluginLoader>();
            services.AddHostedService(sp => sp.GetRequiredService<WorkloadPluginLoader>());
        }

        return services;
    }
}
