using Clusterpedia.Bench.Measurement;

namespace Clusterpedia.Bench.Results;

/// <summary>The latency figures of one query scenario.</summary>
internal sealed class QueryResult
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string Resource { get; init; }

    /// <summary>The URL-form search keys of the first timed repetition (continue tokens shortened).</summary>
    public required string Query { get; init; }
    public bool Completed { get; init; }
    public string? Error { get; init; }
    public int Warmup { get; init; }
    public int Repetitions { get; init; }
    public int ItemsPerPage { get; init; }
    public double P50Ms { get; init; }
    public double P95Ms { get; init; }
    public double P99Ms { get; init; }
    public double MeanMs { get; init; }
    public double MinMs { get; init; }
    public double MaxMs { get; init; }
    public double? TargetP95Ms { get; init; }
    public bool? MeetsTarget => TargetP95Ms is { } target && Completed ? P95Ms <= target : null;

    public static QueryResult FromLatencies(QueryScenario scenario, int warmup, Percentiles latencies, int items) => new()
    {
        Name = scenario.Name,
        Description = scenario.Description,
        Resource = Describe(scenario),
        Query = QueryText(scenario),
        Completed = true,
        Warmup = warmup,
        Repetitions = latencies.Count,
        ItemsPerPage = items,
        P50Ms = Round(latencies.At(50)),
        P95Ms = Round(latencies.At(95)),
        P99Ms = Round(latencies.At(99)),
        MeanMs = Round(latencies.Mean),
        MinMs = Round(latencies.Min),
        MaxMs = Round(latencies.Max),
        TargetP95Ms = scenario.TargetP95Ms,
    };

    public static QueryResult FromError(QueryScenario scenario, string error, IReadOnlyCollection<double> samples) => new()
    {
        Name = scenario.Name,
        Description = scenario.Description,
        Resource = Describe(scenario),
        Query = QueryText(scenario),
        Completed = false,
        Error = error,
        Repetitions = samples.Count,
        TargetP95Ms = scenario.TargetP95Ms,
    };

    private static string Describe(QueryScenario scenario) =>
        string.IsNullOrEmpty(scenario.Resource.Group)
            ? $"{scenario.Resource.Version}/{scenario.Resource.Resource}"
            : $"{scenario.Resource.Group}/{scenario.Resource.Version}/{scenario.Resource.Resource}";

    private static string QueryText(QueryScenario scenario) =>
        string.Join('&', scenario.Parameters(0).Select(p =>
            p.Key + "=" + (p.Key == "continue" && p.Value is { Length: > 24 } token ? token[..12] + "…" : p.Value)));

    private static double Round(double value) => Math.Round(value, 3);
}
