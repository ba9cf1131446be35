namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>Tuning of the synchros, bound from the "Synchro" configuration section.</summary>
public sealed class SynchroOptions
{
    /// <summary>Objects per list page requested from member clusters.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// A list whose pages bring no object it has not seen for this many pages in a row (the member keeps sending
    /// continue tokens over the same or empty pages) is abandoned as endless: resource status Error, reason EndlessList.
    /// </summary>
    public int MaxListPagesWithoutNewObjects { get; set; } = 10;

    /// <summary>Most pages one list may take (a sanity bound: 100,000 pages of 500 is 50 million objects).</summary>
    public int MaxListPages { get; set; } = 100_000;

    /// <summary>Most watch events written to storage in one transaction.</summary>
    public int MaxBatch { get; set; } = 1000;

    /// <summary>
    /// Sync every member's Roles, ClusterRoles, RoleBindings and ClusterRoleBindings whatever its syncResources say,
    /// for per-user results (docs/security.md). Those the spec does not list are stored but not published: search and
    /// discovery do not show them.
    /// </summary>
    public bool SyncMemberRbac { get; set; } = true;

    /// <summary>Drop metadata.managedFields and the last-applied annotation before storing.</summary>
    public bool PruneObjects { get; set; } = true;

    /// <summary>Server-side timeout of each watch request; the synchro re-watches from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest wait between retries after errors (backoff is jittered and exponential up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the manager re-reads PediaClusters even without a change signal.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the database's change feed of PediaClusters and ClusterSyncResources is read, to notice writes of
    /// another process (an API-only server) on the same database; and how often an API-only process reads the
    /// PediaClusters' status and the synced resources the synchro published.
    /// </summary>
    public TimeSpan StorePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often cluster health is probed (plus up to 20 % jitter). A watch that ends or fails also asks for a probe
    /// at once, so a member that goes away is usually seen before the interval is up.
    /// </summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Consecutive failed probes after which the cluster is unhealthy and its resource synchros stop. A refused
    /// connection needs no repetition: it makes the cluster unhealthy at once.
    /// </summary>
    public int UnhealthyThreshold { get; set; } = 2;

    /// <summary>After a failed probe, the next one comes this soon (instead of a whole interval later).</summary>
    public TimeSpan FailedProbeRetryInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Timeout of one health probe (probes are not retried: the threshold is the retry).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often object counts in the status are refreshed while they change.</summary>
    public TimeSpan CountRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Honour <c>group: "*"</c> in syncResources (every group of the member); off by default, as in Clusterpedia.</summary>
    public bool AllowSyncAllResources { get; set; }

    /// <summary>Honour <c>spec.syncAllCustomResources</c>; off by default, as in Clusterpedia.</summary>
    public bool AllowSyncAllCustomResources { get; set; }

    /// <summary>
    /// Sync core <c>secrets</c> when a PediaCluster asks for them (by name or through <c>"*"</c>). Off by default: a
    /// PediaCluster asking for secrets syncs everything else, and its status names secrets as skipped and why.
    /// </summary>
    public bool AllowSyncSecrets { get; set; }

    /// <summary>
    /// Keep the <c>data</c> and <c>stringData</c> of synced Secrets. Off by default: even with
    /// <see cref="AllowSyncSecrets"/> the values are dropped before storing (with the last-applied annotation, which
    /// repeats them), and searches show names, types, labels and annotations only.
    /// </summary>
    public bool AllowSecretData { get; set; }

    /// <summary>
    /// Let PediaClusters point at loopback (and unspecified) addresses: this machine's own ports. Off by default; the
    /// local demo and tests, whose members listen on 127.0.0.1, turn it on.
    /// </summary>
    public bool AllowLoopbackTargets { get; set; }

    /// <summary>Let PediaClusters point at link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata endpoints among them). Off by default.</summary>
    public bool AllowLinkLocalTargets { get; set; }

    /// <summary>
    /// When not empty, the only apiserver targets allowed: CIDRs (<c>10.0.0.0/8</c>), addresses, host names
    /// (<c>kube.example.com</c>) and host suffixes (<c>*.example.com</c>). Loopback and link-local stay refused unless
    /// allowed above.
    /// </summary>
    public IList<string> AllowedTargets { get; } = [];

    /// <summary>
    /// Exec credential plugins a PediaCluster's <c>spec.kubeconfig</c> may run: absolute paths of the commands. Empty
    /// (the default) refuses every kubeconfig with an <c>exec</c> user, since a plugin is a command the server runs
    /// and anyone who may create PediaClusters would choose it. The host kubeconfig (<c>HostKubeconfig</c>) is the
    /// operator's own file and may always use plugins.
    /// </summary>
    public IList<string> ExecPluginCommands { get; } = [];

    /// <summary>
    /// Files of the server a PediaCluster's <c>spec.kubeconfig</c> may read (tokenFile, certificate-authority,
    /// client-certificate, client-key): absolute paths, such as a projected token for a member cluster that the kubelet
    /// rotates. Empty (the default) refuses every file reference, since anyone who may create PediaClusters would
    /// otherwise choose a file of the server (its own ServiceAccount token) to send to a server of their choosing.
    /// </summary>
    public IList<string> CredentialFiles { get; } = [];

    /// <summary>Longest run of an exec credential plugin of a PediaCluster's kubeconfig; it is stopped after this.</summary>
    public TimeSpan ExecPluginTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
