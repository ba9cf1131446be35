namespace Clusterpedia.Bench.Results;

/// <summary>Everything measured on one engine at one size.</summary>
internal sealed class EngineRun
{
    public required string Engine { get; init; }
    public string? ServerVersion { get; set; }
    public IReadOnlyList<string> ServerSettings { get; set; } = [];
    public long Rows { get; init; }

    /// <summary>Indexes dropped before the load (an ablation run); empty for the product's schema.</summary>
    public IReadOnlyList<string> DroppedIndexes { get; set; } = [];
    public int Clusters { get; init; }
    public int Namespaces { get; init; }
    public int DeploymentsPerNamespace { get; init; }
    public int PodsPerDeployment { get; init; }
    public LoadResult? Load { get; set; }

    /// <summary>The <c>--postgres-data</c> or <c>--mysql-data</c> directory whose loaded data set this run reused (then there is no load figure).</summary>
    public string? ReusedData { get; set; }

    /// <summary>Time spent in VACUUM ANALYZE (PostgreSQL) or ANALYZE TABLE (MySQL) after the load, before the queries.</summary>
    public double? AnalyzeSeconds { get; set; }
    public long? StoredBytes { get; set; }
    public double? StoredBytesPerObject { get; set; }
    public List<QueryResult> Queries { get; } = [];

    /// <summary>Issue 8's S2 through the HTTP API on this database (PostgreSQL and MySQL).</summary>
    public SearchRun? HttpSearch { get; set; }
    public List<CheckResult> Checks { get; } = [];
    public List<string> Failures { get; } = [];
    public double TotalSeconds { get; set; }
}
