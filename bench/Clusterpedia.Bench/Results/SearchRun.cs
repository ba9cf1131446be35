namespace Clusterpedia.Bench.Results;

/// <summary>
/// Issue 8's S2: the search mix through the HTTP API of the server (a child process) on the loaded PostgreSQL or MySQL
/// database, at concurrency 1 and 16, each query beside its raw SQL (the statement the storage emits) as the floor.
/// </summary>
internal sealed class SearchRun
{
    public long Rows { get; set; }

    /// <summary>The engine behind the server and the SQL floor: postgres or mysql.</summary>
    public string Engine { get; set; } = "postgres";
    public int DeepPage { get; set; }

    /// <summary>Time to reach the deep page by following continue tokens over HTTP, once.</summary>
    public double DeepPageWalkSeconds { get; set; }
    public long ServerRssBytes { get; set; }
    public long ServerPeakRssBytes { get; set; }
    public List<SearchQueryResult> Queries { get; } = [];
    public List<CheckResult> Checks { get; } = [];
    public List<string> Failures { get; } = [];
    public double Seconds { get; set; }
}

/// <summary>One query of the S2 mix: through HTTP and as raw SQL, at concurrency 1 and 16.</summary>
internal sealed class SearchQueryResult
{
    public required string Name { get; init; }
    public required string Description { get; init; }

    /// <summary>The request path of the first timed repetition (continue tokens shortened).</summary>
    public required string Url { get; init; }

    /// <summary>The statement the storage emits for it, with its parameters of the first timed repetition.</summary>
    public required string Sql { get; init; }

    /// <summary>
    /// That statement's plan as executed once after the timed runs: <c>EXPLAIN (ANALYZE, BUFFERS)</c> on PostgreSQL,
    /// <c>ANALYZE FORMAT=JSON</c> on MariaDB; where the time of a slow shape goes.
    /// </summary>
    public string? Plan { get; set; }
    public QueryResult? ApiC1 { get; set; }
    public QueryResult? ApiC16 { get; set; }
    public QueryResult? SqlC1 { get; set; }
    public QueryResult? SqlC16 { get; set; }

    /// <summary>API over SQL at the same percentile and concurrency.</summary>
    public double? RatioP50C1 { get; set; }
    public double? RatioP95C1 { get; set; }
    public double? RatioP50C16 { get; set; }
}
