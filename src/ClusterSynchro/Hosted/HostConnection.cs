using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// How the server reaches its host cluster, in one place for the synchro's store and the API's reviews: the
/// <c>--host-kubeconfig</c> file when given (its exec plugins and token files allowed: the operator chose it), else
/// the in-cluster configuration when <c>--host-in-cluster</c> asks for it.
/// </summary>
public static class HostConnection
{
    /// <summary>Client options for the host.</summary>
    /// <exception cref="InvalidOperationException">Hosted mode is off.</exception>
    /// <exception cref="FormatException">The kubeconfig or the in-cluster configuration is incomplete.</exception>
    public static async Task<KubeClientOptions> LoadAsync(HostClusterOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.HostKubeconfig))
        {
            var config = await Kubeconfig.LoadFileAsync(options.HostKubeconfig, ct).ConfigureAwait(false);
            return await config.ToOptionsAsync(options.HostContext, ct).ConfigureAwait(false);
        }

        if (options.HostInCluster)
        {
            var inCluster = new InClusterConfig
            {
                Directory = options.InClusterDirectory,
                TimeProvider = time,
            };
            return await inCluster.ToOptionsAsync(ct).ConfigureAwait(false);
        }

        throw new InvalidOperationException("hosted mode needs Synchro:HostKubeconfig or Synchro:HostInCluster");
    }
}
