namespace Clusterpedia.Bench.ScaleOut;

/// <summary>Search throughput of one configuration (API replicas × concurrency).</summary>
internal sealed class SearchLoadResult
{
    public string Configuration { get; set; } = "";

    public int Replicas { get; set; }

    public int Concurrency { get; set; }

    /// <summary>The API replicas read a hot standby (Storage:ReadConnectionStrings); writes would go to the primary.</summary>
    public bool ReadsFromStandby { get; set; }

    /// <summary>With a standby: reads it served so far, summed over the replicas (<c>clusterpedia_storage_read_replica_reads</c>).</summary>
    public long StandbyReads { get; set; }

    /// <summary>With a standby: reads that fell back to the primary so far (<c>clusterpedia_storage_read_replica_fallbacks</c>).</summary>
    public long PrimaryFallbacks { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public double Seconds { get; set; }

    public double RequestsPerSecond { get; set; }

    public double P50Ms { get; set; }

    public double P99Ms { get; set; }
}
