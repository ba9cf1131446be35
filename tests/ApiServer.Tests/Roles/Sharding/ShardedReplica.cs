using Clusterpedia.ClusterSynchro.Synchro;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Roles.Sharding;

/// <summary>A synchro-only server of a sharding test, with the clusters its manager runs.</summary>
public sealed class ShardedReplica(string identity, InProcessServer server) : IAsyncDisposable
{
    private int _disposed;

    public string Identity => identity;

    public InProcessServer Server => server;

    public bool Stopped => Volatile.Read(ref _disposed) == 1;

    /// <summary>The clusters whose synchro runs in this replica now; none once it is stopped.</summary>
    public IReadOnlyList<string> Running => Stopped ? [] : server.Services.GetRequiredService<ClusterSynchroManager>().RunningClusters();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await server.DisposeAsync();
        }
    }
}
