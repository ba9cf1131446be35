using System.Data.Common;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Storage;
using Polly;
using Polly.Retry;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Storage writes of one cluster's synchros: transient database errors (busy, dropped connection, timeout) are
/// retried with jittered backoff rather than dropped; whatever still fails surfaces and the resource relists. A
/// sharded synchro's writes carry its lease generation (<see cref="Fence"/>): the first refusal calls
/// <see cref="OnFenced"/> and every later write fails at once, without a round trip, until the synchro is stopped.
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

    private volatile FencedWriteException? _fenced;

    public IResourceStorage Storage => storage;

    /// <summary>The lease generation every write must still hold; null: unsharded, writes are not fenced.</summary>
    public WriteFence? Fence { get; init; }

    /// <summary>Called once, on the first write refused for a stale fence: the cluster must stop at once.</summary>
    public Action<FencedWriteException>? OnFenced { get; init; }

    /// <summary>Resolves the workload columns of the objects written (pods and middle owners); null: none are written.</summary>
    public WorkloadResolver? Workloads { get; init; }

    /// <summary>The synchro's instruments, for the resource synchros writing through this writer.</summary>
    public SynchroMetrics Metrics => metrics;

    public async Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken ct)
    {
        ThrowIfFenced();
        var started = time.GetTimestamp();
        try
        {
            await _retry.ExecuteAsync(static (state, token) => new ValueTask(state.storage.UpsertFencedAsync(state.records, state.Fence, token)), (storage, records, Fence), ct).ConfigureAwait(false);
        }
        catch (FencedWriteException e)
        {
            Refused(e);
            throw;
        }

        metrics.WriteTook(cluster, time.GetElapsedTime(started));
    }

    public async Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken ct)
    {
        ThrowIfFenced();
        var started = time.GetTimestamp();
        try
        {
            await _retry.ExecuteAsync(static (state, token) => new ValueTask(state.storage.DeleteFencedAsync(state.keys, state.Fence, token)), (storage, keys, Fence), ct).ConfigureAwait(false);
        }
        catch (FencedWriteException e)
        {
            Refused(e);
            throw;
        }

        metrics.WriteTook(cluster, time.GetElapsedTime(started));
    }

    private void ThrowIfFenced()
    {
        if (_fenced is { } fenced)
        {
            throw new FencedWriteException(fenced.Message, fenced);
        }
    }

    private void Refused(FencedWriteException e)
    {
        if (Interlocked.CompareExchange(ref _fenced, e, null) is null)
        {
            OnFenced?.Invoke(e);
        }
    }
}
