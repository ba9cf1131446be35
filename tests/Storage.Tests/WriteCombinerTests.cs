using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests;

/// <summary>Group commit: how queued write batches are combined into transactions.</summary>
public sealed class WriteCombinerTests
{
    [Fact]
    public async Task WriteAsync_QueuedBatchesBeyondTheCap_SplitIntoTransactionsOfAtMostTheCap()
    {
        var transactions = new List<int[]>();
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var combiner = new WriteCombiner(
            async batch =>
            {
                lock (transactions)
                {
                    transactions.Add([.. batch.Select(w => w.Rows)]);
                }

                if (firstHeld.TrySetResult())
                {
                    await release.Task;
                }
            },
            maxRowsPerTransaction: 100);

        // The first writer holds the turn while five more batches queue behind it.
        var first = combiner.WriteAsync(WriteCombiner.PendingWrite.Upsert(Records("first", 10)), CancellationToken.None);
        await firstHeld.Task;
        var queued = Enumerable.Range(0, 5)
            .Select(i => combiner.WriteAsync(WriteCombiner.PendingWrite.Upsert(Records($"queued-{i}", 40)), CancellationToken.None))
            .ToList();
        release.SetResult();
        await Task.WhenAll([first, .. queued]);

        // Batches are taken until the cap is reached: 40 + 40 + 40, then the remaining 40 + 40.
        transactions.Select(t => string.Join('+', t)).ShouldBe(["10", "40+40+40", "40+40"]);
    }

    [Fact]
    public async Task WriteAsync_OneBatchLargerThanTheCap_WrittenWhole()
    {
        var transactions = new List<int[]>();
        var combiner = new WriteCombiner(
            batch =>
            {
                transactions.Add([.. batch.Select(w => w.Rows)]);
                return Task.CompletedTask;
            },
            maxRowsPerTransaction: 100);

        await combiner.WriteAsync(WriteCombiner.PendingWrite.Upsert(Records("large", 250)), CancellationToken.None);

        transactions.Select(t => string.Join('+', t)).ShouldBe(["250"]);
    }

    [Fact]
    public void MaxRowsPerWriteTransaction_PostgresAndOthers_PostgresCapsAtTwoHundredFifty()
    {
        // PostgreSQL's cap is what kept its backlog draining under S4; the other engines measured better uncapped.
        new PostgresDialect("Host=localhost").MaxRowsPerWriteTransaction.ShouldBe(250);
        new SqliteDialect("Data Source=:memory:").MaxRowsPerWriteTransaction.ShouldBe(WriteCombiner.DefaultMaxRowsPerTransaction);
    }

    private static List<ResourceRecord> Records(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => TestObjects.Object("c", "combiner.test", "v1", "widgets", "Widget", "ns", $"{prefix}-{i}"))];
}
