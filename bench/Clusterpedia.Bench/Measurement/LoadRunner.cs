using System.Diagnostics;

namespace Clusterpedia.Bench.Measurement;

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers, each issuing one operation after another, every
/// operation timed by itself (so checking the answer stays outside the timed part). Several operations given together
/// run interleaved (each worker runs them in turn), so figures compared with each other (page 1 against page 1000) see
/// the same load. An operation returns the number of items it got and its milliseconds; an exception, or no items in
/// every repetition (a selective filter may legitimately match nothing for some parameters), marks it failed.
/// </summary>
internal static class LoadRunner
{
    private const int _minimumPerWorker = 2;

    /// <summary>The latencies, the most items one timed repetition returned, and the first error.</summary>
    public sealed record Outcome(Percentiles Latencies, int Items, string? Error);

    public readonly record struct Sample(int Items, double Milliseconds);

    /// <param name="operations">each takes the repetition number (to vary its parameters) and returns its sample</param>
    /// <param name="concurrency">workers issuing operations at the same time</param>
    /// <param name="warmup">sequential runs of each operation before timing</param>
    /// <param name="repetitions">timed runs of each operation in all, across the workers</param>
    /// <param name="budget">time for the timed runs of one operation; every worker still runs at least two</param>
    /// <param name="cancellationToken">stops the run</param>
    public static async Task<IReadOnlyList<Outcome>> RunAsync(
        IReadOnlyList<Func<int, CancellationToken, Task<Sample>>> operations, int concurrency, int warmup, int repetitions,
        TimeSpan budget, CancellationToken cancellationToken)
    {
        var samples = operations.Select(_ => new List<double>(repetitions)).ToArray();
        var items = new int[operations.Count];
        var errors = new string?[operations.Count];
        var warmClock = Stopwatch.StartNew();
        for (var i = 0; i < warmup && (i == 0 || warmClock.Elapsed < budget / 4); i++)
        {
            for (var op = 0; op < operations.Count; op++)
            {
                await RunOneAsync(op, -1 - i);
            }
        }

        var next = -1;
        var clock = Stopwatch.StartNew();
        var runBudget = budget * operations.Count;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var done = 0; ; done++)
            {
                var rep = Interlocked.Increment(ref next);
                if (rep >= Math.Max(repetitions, concurrency * _minimumPerWorker) || (done >= _minimumPerWorker && clock.Elapsed > runBudget)
                    || errors.Any(e => e is not null))
                {
                    return;
                }

                for (var op = 0; op < operations.Count; op++)
                {
                    if (await RunOneAsync(op, rep) is { } ms)
                    {
                        lock (samples[op])
                        {
                            samples[op].Add(ms);
                        }
                    }
                }
            }
        }, cancellationToken)));

        return [.. samples.Select((s, op) => new Outcome(new Percentiles(s), items[op],
            errors[op] ?? (items[op] == 0 ? $"none of the {s.Count} timed repetitions returned an item" : null)))];

        // Warm-up runs (negative rep) use parameters of their own, far from the timed ones.
        async Task<double?> RunOneAsync(int op, int rep)
        {
            try
            {
                var sample = await operations[op](rep < 0 ? 100_000 - rep : rep, cancellationToken);
                if (rep >= 0)
                {
                    Interlocked.Exchange(ref items[op], Math.Max(items[op], sample.Items));
                }

                return sample.Milliseconds;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                errors[op] ??= e.GetType().Name + ": " + e.Message;
                return null;
            }
        }
    }
}
