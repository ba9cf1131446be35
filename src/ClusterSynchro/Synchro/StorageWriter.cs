using System.Data.Common;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Storage;
using Polly;
using Polly.Retry;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Storage writes of one cluster's synchros: transient database errors (busy, dropped connection, timeout) are
/// retried with jittered backoff rather than dropped; whatever still fails surfaces and the resource relists.
/// </summary>
internal sealed class StorageWriter(IResourceStorage storage, string cluster, SynchroMetrics metrics, TimeProvider time)
{
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DbException>(e => e.IsTransient).Handle<TimeoutException>(),
            MaxRetryAttempts = 5,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
        })
        .Build();

    public IResourceStorage Storage => storage;

    /// <summary>Resolves the workload columns of the objects written (pods and middle owners); null: none are written.</summary>
    public WorkloadResolver? Workloads { get; init; }

    /// <summary>The synchro's instruments, for the resource synchros writing through this writer.</summary>
    public SynchroMetrics Metrics => metrics;

    public async Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        await _retry.ExecuteAsync(static (state, token) => new ValueTask(state.storage.UpsertAsync(state.records, token)), (storage, records), ct).ConfigureAwait(false);
        metrics.WriteTook(cluster, time.GetElapsedTime(started));
    }

    public async Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        await _retry.ExecuteAsync(static (state, token) => new ValueTask(state.storage.DeleteAsync(state.keys, token)), (storage, keys), ct).ConfigureAwait(false);
        metrics.WriteTook(cluster, time.GetElapsedTime(started));
    }
}
