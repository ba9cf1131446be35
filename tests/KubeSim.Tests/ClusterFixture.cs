namespace Clusterpedia.KubeSim.Tests;

/// <summary>One simulated cluster (no token) shared by the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public SimulatedCluster Cluster { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, ClusterName = "test", BookmarkInterval = TimeSpan.FromMilliseconds(300) });
        Http = new HttpClient { BaseAddress = Cluster.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Cluster.DisposeAsync();
    }
}
