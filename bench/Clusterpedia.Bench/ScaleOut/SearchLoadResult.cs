namespace Clusterpedia.Bench.ScaleOut;

/// <summary>Search throughput of one configuration (API replicas × concurrency).</summary>
internal sealed class SearchLoadResult
{
    public string Configuration { get; set; } = "";

    public int Replicas { get; set; }

    public int Concurrency { get; set; }

    /// <summary>The API replicas read a hot standby (Storage:ReadConnectionStrings); writes would go to the primary.</summary>
    public bool ReadsFromStandby { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public double Seconds { get; set; }

    public double RequestsPerSecond { get; set; }

    public double P50Ms { get; set; }

    public double P99Ms { get; set; }
}
