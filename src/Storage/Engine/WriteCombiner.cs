using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// Group commit for resource writes. Every write transaction starts by taking revisions from the one counter row, so
/// write transactions run one at a time whatever the engine; many small concurrent writes (watch events of many
/// resources and clusters) then pay a commit and a handful of round trips each. Writers queue their batch and whoever
/// holds the turn writes everything queued, in queue order, in one transaction.
/// </summary>
/// <remarks>
/// The writing itself is not cancelled by a waiter's token (it carries other writers' batches); a waiter that gives up
/// sees its cancellation while its batch may still be written, which for a synced object is harmless. If a combined
/// transaction fails, each batch is retried alone, so one bad batch fails only its own writer.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never created, so it holds nothing to dispose; the combiner lives as long as its storage.")]
internal sealed class WriteCombiner(Func<IReadOnlyList<WriteCombiner.PendingWrite>, Task> writeAll, int maxRowsPerTransaction = WriteCombiner.DefaultMaxRowsPerTransaction)
{
    /// <summary>Rows taken into one transaction at most (more stay queued for the next turn), unless the engine says otherwise.</summary>
    public const int DefaultMaxRowsPerTransaction = 10_000;

    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task WriteAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        _queue.Enqueue(write);
        try
        {
            while (!write.Done.Task.IsCompleted)
            {
                await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!write.Done.Task.IsCompleted)
                    {
                        await WriteQueuedAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    _turn.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Withdrawn before anyone took it: it will never be written (a stopped synchro's write must not land
            // after its rows were removed). Already taken: it is being written; wait for the outcome.
            if (write.TryWithdraw())
            {
                throw;
            }
        }

        await write.Done.Task.ConfigureAwait(false);
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<PendingWrite>();
        var rows = 0;
        while (rows < maxRowsPerTransaction && _queue.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                batch.Add(next);
                rows += next.Rows;
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await writeAll(batch).ConfigureAwait(false);
            foreach (var w in batch)
            {
                w.Done.TrySetResult();
            }

            return;
        }
        catch (Exception e) when (batch.Count == 1)
        {
            batch[0].Done.TrySetException(e);
            return;
        }
        catch (Exception)
        {
            // Find the culprit: each batch alone, in the same order.
        }

        foreach (var w in batch)
        {
            try
            {
                await writeAll([w]).ConfigureAwait(false);
                w.Done.TrySetResult();
            }
            catch (Exception e)
            {
                w.Done.TrySetException(e);
            }
        }
    }

    /// <summary>One writer's batch: upserts (distinct keys) or deletes (distinct keys), and its completion.</summary>
    internal sealed class PendingWrite
    {
        private const int _queued = 0;
        private const int _taken = 1;
        private const int _withdrawn = 2;
        private int _state;

        private PendingWrite(IReadOnlyList<ResourceRecord>? upserts, IReadOnlyList<ResourceKey>? deletes, WriteFence? fence)
        {
            Upserts = upserts;
            Deletes = deletes;
            Fence = fence;
        }

        public IReadOnlyList<ResourceRecord>? Upserts { get; }

        public IReadOnlyList<ResourceKey>? Deletes { get; }

        /// <summary>The lease generation the batch must still hold when it is written; null: unfenced.</summary>
        public WriteFence? Fence { get; }

        public int Rows => Upserts?.Count ?? Deletes?.Count ?? 0;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Claims the write for a transaction, unless its writer withdrew it.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, _taken, _queued) == _queued;

        /// <summary>Withdraws the write, unless a transaction already took it.</summary>
        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, _withdrawn, _queued) == _queued;

        public static PendingWrite Upsert(IReadOnlyList<ResourceRecord> records, WriteFence? fence = null) => new(records, null, fence);

        public static PendingWrite Delete(IReadOnlyList<ResourceKey> keys, WriteFence? fence = null) => new(null, keys, fence);
    }
}
