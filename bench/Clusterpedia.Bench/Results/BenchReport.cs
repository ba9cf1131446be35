namespace Clusterpedia.Bench.Results;

/// <summary>The results file of one run (<c>bench/results/&lt;date&gt;.json</c>).</summary>
internal sealed class BenchReport
{
    public required string Command { get; init; }
    public required string Mode { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public string? LoadAverageAtEnd { get; set; }
    public required MachineInfo Machine { get; init; }
    public required BenchOptions Options { get; init; }
    public List<EngineRun> Runs { get; } = [];
    public List<EndToEndRun> EndToEnd { get; } = [];

    /// <summary>The full run's duration extrapolated from this run's measured rates.</summary>
    public FullRunEstimate? FullRunEstimate { get; set; }
    public bool Succeeded => Runs.Count + EndToEnd.Count > 0 && Runs.All(r => r.Failures.Count == 0 && (r.HttpSearch?.Failures.Count ?? 0) == 0) && EndToEnd.All(r => r.Failures.Count == 0);
}
