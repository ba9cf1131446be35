namespace Clusterpedia.Bench.Results;

/// <summary>Issue 8's S1 (initial sync through the real server) and S3 (members listed directly and merged, against one request to us).</summary>
internal sealed class EndToEndRun
{
    public required string Engine { get; init; }
    public int Clusters { get; init; }
    public int NamespacesPerCluster { get; init; }
    public int DeploymentsPerNamespace { get; init; }
    public int PodsPerDeployment { get; init; }

    /// <summary>Objects of the synced resources (deployments, replicasets, pods, services, configmaps) in all members.</summary>
    public long MemberObjects { get; set; }
    public long SyncedObjects { get; set; }

    /// <summary>S1: from applying the PediaClusters to every one Ready with every object searchable.</summary>
    public double SyncSeconds { get; set; }
    public double SyncObjectsPerSecond { get; set; }
    public long ProcessPeakRssBytes { get; set; }

    /// <summary>S3: "all deployments in namespace X across the clusters".</summary>
    public QueryResult? DirectMerge { get; set; }
    public QueryResult? OneRequestToUs { get; set; }
    public double? UsOverDirectP50 { get; set; }
    public List<string> Failures { get; } = [];
    public double TotalSeconds { get; set; }
}
