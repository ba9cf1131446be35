namespace Clusterpedia.KubeSim;

/// <summary>Everything that shapes one simulated cluster; defaults give a small, realistic cluster on a free port.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Cluster name, used in generated node names and logs.</summary>
    public string ClusterName { get; set; } = "sim";

    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// A bearer token of the cluster's administrator (user kubernetes-admin in system:masters, like kubeadm's
    /// admin.conf). Setting it, <see cref="TokenAuthFile"/> or <see cref="Tls"/> turns authentication on: every request
    /// but the anonymous health/version endpoints then needs credentials.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// kube-apiserver's <c>--token-auth-file</c>: a CSV file of <c>token,user,uid,"group1,group2"</c> lines whose tokens
    /// authenticate as those users.
    /// </summary>
    public string? TokenAuthFile { get; set; }

    /// <summary>
    /// RBAC (the default when authentication is on and <see cref="AllowAnonymous"/> is off) or AlwaysAllow. RBAC creates
    /// the default ClusterRoles and bindings of a kubeadm cluster in the store at start.
    /// </summary>
    public AuthorizationMode AuthorizationMode { get; set; }

    /// <summary>
    /// Serve HTTPS with a CA generated at start (see <see cref="SimulatedCluster.CaCertificatePem"/>) and accept client
    /// certificates it issued. kubectl only sends bearer tokens over HTTPS, so use this for token tests with kubectl.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// Let requests without credentials through (as system:anonymous) even though credentials are configured. A
    /// simulator shortcut: unless <see cref="AuthorizationMode"/> says RBAC, it also makes authorization AlwaysAllow, so
    /// anonymous clients may do anything. Without a token, token file or TLS there is no authentication at all.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Application namespaces generated besides default, kube-system and kube-public.</summary>
    public int Namespaces { get; set; } = 3;

    public int DeploymentsPerNamespace { get; set; } = 2;

    public int PodsPerDeployment { get; set; } = 2;

    public int Nodes { get; set; } = 3;

    /// <summary>Seed of every generated name, uid, IP and timestamp, so two runs produce the same cluster.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>What <c>/version</c> reports; kubectl's dispatcher picks its client version from it.</summary>
    public string KubernetesVersion { get; set; } = "v1.33.1";

    /// <summary>How many changes the history window keeps; older resourceVersions get 410 Expired.</summary>
    public int HistoryCapacity { get; set; } = 100_000;

    /// <summary>Events a watcher may lag behind before the server closes its watch.</summary>
    public int WatchQueueCapacity { get; set; } = 100_000;

    /// <summary>How often a watch with allowWatchBookmarks=true gets a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Watch duration when the client gives no timeoutSeconds (kube-apiserver: 30 to 60 minutes).</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Answer /healthz, /livez, /readyz and /version without credentials, as kubeadm clusters do.</summary>
    public bool AnonymousHealthAndVersion { get; set; } = true;

    /// <summary>
    /// Run the built-in controllers (Deployments → ReplicaSets → Pods, StatefulSets, DaemonSets). Off, workloads stay
    /// exactly as written, like a cluster whose controller-manager is down.
    /// </summary>
    public bool RunControllers { get; set; } = true;

    /// <summary>Background writes per second from the start (0 = none); see <see cref="SimulatedCluster.StartChurn"/>.</summary>
    public double ChurnPerSecond { get; set; }

    /// <summary>
    /// With <see cref="Tls"/>: act as kube-aggregator. A front-proxy CA is made at start (see
    /// <see cref="SimulatedCluster.FrontProxyCaPem"/>), APIServices with a service are proxied to it, and
    /// kube-system/extension-apiserver-authentication is written.
    /// </summary>
    public bool FrontProxy { get; set; } = true;

    /// <summary>How often every APIService's availability and aggregated discovery are checked besides on changes.</summary>
    public TimeSpan AggregationCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra DNS names of the serving certificate, e.g. <c>api.widgets.svc</c> to be an aggregated API server.</summary>
    public IReadOnlyList<string> ServingDnsNames { get; set; } = [];

    /// <summary>
    /// Trust a front proxy's X-Remote-* headers (kube-apiserver's <c>--requestheader-*</c>); needs <see cref="Tls"/>.
    /// </summary>
    public Security.RequestHeaderOptions? RequestHeader { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
