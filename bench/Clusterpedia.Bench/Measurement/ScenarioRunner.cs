using System.Diagnostics;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.Bench.Results;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Measurement;

/// <summary>
/// Times query scenarios in-process against <see cref="IResourceStorage"/>: warm-up runs first, then up to
/// <c>repetitions</c> timed runs within a time budget, one at a time (concurrency 1). A run that throws, or no run
/// returning anything, marks the scenario as not completed.
/// </summary>
internal sealed class ScenarioRunner(IResourceStorage storage, int warmup, int repetitions, TimeSpan budget)
{
    private const int _minimumRepetitions = 5;

    public async Task<QueryResult> RunAsync(QueryScenario scenario, CancellationToken cancellationToken) =>
        (await RunInterleavedAsync([scenario], cancellationToken))[0];

    /// <summary>
    /// Runs several scenarios round-robin, one repetition of each in turn, so figures that are compared with each
    /// other (page 1 against page 1000) see the same load on a shared machine.
    /// </summary>
    public async Task<IReadOnlyList<QueryResult>> RunInterleavedAsync(IReadOnlyList<QueryScenario> scenarios, CancellationToken cancellationToken)
    {
        var samples = scenarios.Select(_ => new List<double>(repetitions)).ToArray();
        var items = new int[scenarios.Count];
        var failures = new string?[scenarios.Count];
        var current = 0;
        try
        {
            // Warm-up is bounded in time too: one run of a slow shape (offset paging) can take seconds.
            var warmClock = Stopwatch.StartNew();
            for (var i = 0; i < warmup && (i == 0 || warmClock.Elapsed < budget / 4); i++)
            {
                for (current = 0; current < scenarios.Count; current++)
                {
                    await storage.ListAsync(Parse(scenarios[current], i), cancellationToken);
                }
            }

            var clock = Stopwatch.StartNew();
            var runBudget = budget * scenarios.Count;
            for (var i = 0; i < repetitions && (i < _minimumRepetitions || clock.Elapsed < runBudget); i++)
            {
                for (current = 0; current < scenarios.Count; current++)
                {
                    if (failures[current] is not null)
                    {
                        continue;
                    }

                    var query = Parse(scenarios[current], warmup + i);
                    var start = Stopwatch.GetTimestamp();
                    var page = await storage.ListAsync(query, cancellationToken);
                    samples[current].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    items[current] = Math.Max(items[current], page.Items.Count);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failures[Math.Min(current, scenarios.Count - 1)] = e.GetType().Name + ": " + e.Message;
            for (var j = 0; j < scenarios.Count; j++)
            {
                failures[j] ??= "not run: an interleaved scenario failed";
            }
        }

        // A selective filter may match nothing for some parameters; a shape that never returns anything is broken.
        for (var j = 0; j < scenarios.Count; j++)
        {
            if (failures[j] is null && items[j] == 0)
            {
                failures[j] = $"none of the {samples[j].Count} timed repetitions returned an item";
            }
        }

        return [.. scenarios.Select((scenario, j) => failures[j] is { } error
            ? QueryResult.FromError(scenario, error, samples[j])
            : QueryResult.FromLatencies(scenario, warmup, new Percentiles(samples[j]), items[j]))];
    }

    private static ResourceQuery Parse(QueryScenario scenario, int repetition) =>
        ResourceQueryParser.Parse(scenario.Resource, scenario.Parameters(repetition), defaultNamespace: null, cluster: null);
}
