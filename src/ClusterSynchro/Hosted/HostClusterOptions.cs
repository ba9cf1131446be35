namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// Hosted mode, bound from the "Synchro" configuration section: PediaClusters and ClusterSyncResources are custom
/// resources of a host cluster instead of objects of our own store.
/// </summary>
public sealed class HostClusterOptions
{
    /// <summary>Path of a kubeconfig for the host cluster; set, it switches the synchro to hosted mode.</summary>
    public string? HostKubeconfig { get; set; }

    /// <summary>
    /// Hosted mode in the cluster this pod runs in, without a kubeconfig (client-go's in-cluster configuration: the
    /// ServiceAccount token and CA, <c>KUBERNETES_SERVICE_HOST</c>). <see cref="HostKubeconfig"/> wins when both are set.
    /// </summary>
    public bool HostInCluster { get; set; }

    /// <summary>The ServiceAccount directory <see cref="HostInCluster"/> reads (token, ca.crt, namespace).</summary>
    public string InClusterDirectory { get; set; } = Kube.Config.InClusterConfig.DefaultDirectory;

    /// <summary>Context of <see cref="HostKubeconfig"/> to use; its current context when unset.</summary>
    public string? HostContext { get; set; }

    /// <summary>Namespace of the host cluster holding the Secrets that <c>spec.authenticationFrom</c> names.</summary>
    public string SecretNamespace { get; set; } = "clusterpedia-system";

    /// <summary>How long a Secret read for <c>spec.authenticationFrom</c> is reused before it is read again.</summary>
    public TimeSpan SecretCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Server-side timeout of each watch of the host; the watch resumes from the last resourceVersion.</summary>
    public int HostWatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest wait between retries after the host failed (jittered exponential backoff up to this).</summary>
    public TimeSpan HostMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a read waits for the first list of the host before it fails.</summary>
    public TimeSpan HostSyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a resource the host does not serve (e.g. the v1alpha1 CRD not installed) is looked for again.</summary>
    public TimeSpan UnservedRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(HostKubeconfig) || HostInCluster;

    /// <summary>Whether the host is reached through the in-cluster configuration: asked for, and no kubeconfig given (an explicit kubeconfig wins, as in kube components).</summary>
    public bool UsesInCluster => HostInCluster && string.IsNullOrWhiteSpace(HostKubeconfig);
}
