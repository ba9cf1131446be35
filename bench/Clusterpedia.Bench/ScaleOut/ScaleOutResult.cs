namespace Clusterpedia.Bench.ScaleOut;

/// <summary>What <c>--scale-out</c> measured (written as JSON next to the other results).</summary>
internal sealed class ScaleOutResult
{
    public string Command { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public int ProcessorCount { get; set; } = Environment.ProcessorCount;

    public string? LoadAverageAtStart { get; set; }

    public string? LoadAverageAtEnd { get; set; }

    public int Members { get; set; }

    public long MemberObjects { get; set; }

    public int LeaseSeconds { get; set; }

    /// <summary>Seconds from the PediaClusters' creation until every member object is searchable, by synchro replicas.</summary>
    public Dictionary<string, double> SyncSeconds { get; set; } = [];

    /// <summary>Clusters each synchro replica held after the two-replica sync.</summary>
    public Dictionary<string, int> LeasesAfterSync { get; set; } = [];

    public TakeoverResult? Takeover { get; set; }

    public List<SearchLoadResult> Search { get; set; } = [];

    public List<string> Failures { get; set; } = [];
}
