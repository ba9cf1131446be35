using System.Text;
using Clusterpedia.KubeSim;

namespace Clusterpedia.TestSupport;

/// <summary>
/// The local demo in-process: two simulated member clusters, the real server on a loopback port with SQLite in a
/// temporary directory, PediaClusters applied with real kubectl, and a kubeconfig like hack/local-up.sh writes.
/// </summary>
public class DemoEnvironment : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("clusterpedia-e2e-");
    private InProcessServer? _server;

    public SimulatedCluster Cluster1 { get; private set; } = null!;

    public SimulatedCluster Cluster2 { get; private set; } = null!;

    public Uri Server { get; private set; } = null!;

    public string Kubeconfig => _dir.File("kubeconfig");

    public HttpClient Http { get; } = new();

    private readonly Dictionary<SimulatedCluster, HttpClient> _memberHttp = [];

    /// <summary>An HttpClient that trusts the simulator's generated CA (and only it).</summary>
    public HttpClient MemberHttp(SimulatedCluster sim)
    {
        lock (_memberHttp)
        {
            if (!_memberHttp.TryGetValue(sim, out var client))
            {
                var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(sim.CaCertificatePem!);
                var handler = new HttpClientHandler
                {
                    ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                    {
                        if (cert is null)
                        {
                            return false;
                        }

                        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                        return chain.Build(cert);
                    },
                };
                _memberHttp[sim] = client = new HttpClient(handler);
            }

            return client;
        }
    }

    public Kubectl Kubectl(string binary = "kubectl") => new(binary, Kubeconfig);

    public async Task InitializeAsync()
    {
        Cluster1 = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "cluster-1", Token = "token-1", Seed = 1, Tls = true });
        Cluster2 = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "cluster-2", Token = "token-2", Seed = 2, Tls = true });

        _server = await InProcessServer.StartAsync(_dir.Path, [.. await StoreOptionsAsync(), "--Synchro:HealthInterval", "00:00:02"]);
        Server = _server.Url;
        await File.WriteAllTextAsync(Kubeconfig, KubeconfigText());

        var kubectl = Kubectl();
        foreach (var (name, sim) in new[] { ("cluster-1", Cluster1), ("cluster-2", Cluster2) })
        {
            var manifest = _dir.File(name + ".yaml");
            await File.WriteAllTextAsync(manifest, $"""
                apiVersion: cluster.clusterpedia.io/v1alpha2
                kind: PediaCluster
                metadata:
                  name: {name}
                spec:
                  apiserver: "{sim.Url.ToString().TrimEnd('/')}"
                  caData: "{Convert.ToBase64String(Encoding.UTF8.GetBytes(sim.CaCertificatePem!))}"
                  tokenData: "{Convert.ToBase64String(Encoding.UTF8.GetBytes(sim.Token!))}"
                  syncResources:
                  - group: apps
                    resources: [deployments, replicasets]
                  - group: ""
                    resources: [pods, namespaces]
                """);
            await kubectl.OkAsync("apply", "-f", manifest);
        }

        await WaitReadyAsync("cluster-1");
        await WaitReadyAsync("cluster-2");
    }

    /// <summary>Options that point the server at another store than the SQLite file of its directory.</summary>
    protected virtual Task<string[]> StoreOptionsAsync() => Task.FromResult<string[]>([]);

    public Task WaitReadyAsync(string cluster) => PediaClusterReadiness.WaitAsync(Http, Server, cluster, TimeSpan.FromSeconds(60));

    private string KubeconfigText()
    {
        var server = Server.ToString().TrimEnd('/');
        var search = server + "/apis/clusterpedia.io/v1beta1/resources";
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: clusterpedia-host
              cluster: {server: "{{server}}"}
            - name: clusterpedia
              cluster: {server: "{{search}}"}
            - name: cluster-1
              cluster: {server: "{{search}}/clusters/cluster-1"}
            - name: cluster-2
              cluster: {server: "{{search}}/clusters/cluster-2"}
            - name: member-cluster-1
              cluster: {server: "{{Cluster1.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Cluster1.CaCertificatePem!))}}"}
            users:
            - name: admin
              user: {}
            - name: member-1
              user: {token: "{{Cluster1.Token}}"}
            contexts:
            - name: clusterpedia-host
              context: {cluster: clusterpedia-host, user: admin}
            - name: member-cluster-1
              context: {cluster: member-cluster-1, user: member-1}
            current-context: clusterpedia-host
            """;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        foreach (var client in _memberHttp.Values)
        {
            client.Dispose();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Cluster1.DisposeAsync();
        await Cluster2.DisposeAsync();
        _dir.Delete();
    }
}
