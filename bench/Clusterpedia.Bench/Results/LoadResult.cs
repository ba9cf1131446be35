namespace Clusterpedia.Bench.Results;

/// <summary>How the data set went in: upsert throughput over the whole load, and per-batch latency.</summary>
internal sealed class LoadResult
{
    public long Objects { get; init; }
    public int BatchSize { get; init; }
    public double Seconds { get; init; }
    public double ObjectsPerSecond { get; init; }
    public double BatchP50Ms { get; init; }
    public double BatchP95Ms { get; init; }
    public double BatchP99Ms { get; init; }

    /// <summary>Throughput of the last tenth of the batches, when the table is nearly full.</summary>
    public double LastTenthObjectsPerSecond { get; init; }
    public long RawJsonBytes { get; init; }
    public double AveragePodJsonBytes { get; init; }
    public double? TargetObjectsPerSecond { get; init; }
    public bool? MeetsTarget => TargetObjectsPerSecond is { } target ? ObjectsPerSecond >= target : null;
}
