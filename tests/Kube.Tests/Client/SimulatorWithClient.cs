using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>A simulator on Kestrel port 0 with one namespace, and a client of it that does not retry.</summary>
internal sealed class SimulatorWithClient : IAsyncDisposable
{
    private const string _token = "sim-token";

    private SimulatorWithClient(SimulatedCluster cluster, string ns)
    {
        Cluster = cluster;
        Client = new KubeClient(new KubeClientOptions { Server = cluster.Url, BearerToken = _token, MaxRetryAttempts = 0 });
        Cluster.Store.Create(new GroupVersionResource("", "v1", "namespaces"), null,
            $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
    }

    public SimulatedCluster Cluster { get; }

    public KubeClient Client { get; }

    public static async Task<SimulatorWithClient> StartAsync(string ns) =>
        new(await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = _token }), ns);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
    }
}
