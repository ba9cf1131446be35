namespace Clusterpedia.Bench.Results;

/// <summary>
/// Issue 8's S1 (initial sync through the real server, a child process), S3 (members listed directly and merged,
/// against one request to us), S4 (churn lag) and S5 (memory and disk per object) on one engine.
/// </summary>
internal sealed class EndToEndRun
{
    public required string Engine { get; init; }
    public int Clusters { get; init; }
    public int NamespacesPerCluster { get; init; }
    public int DeploymentsPerNamespace { get; init; }
    public int PodsPerDeployment { get; init; }

    /// <summary>Objects of the synced resources (deployments, replicasets, pods, services, configmaps) in all members.</summary>
    public long MemberObjects { get; set; }

    /// <summary>Time to generate the simulated members (shared by every engine; recorded on the first run).</summary>
    public double MembersGenerationSeconds { get; set; }
    public long SyncedObjects { get; set; }

    /// <summary>S1: from applying the PediaClusters to every one Ready with every object searchable.</summary>
    public double SyncSeconds { get; set; }
    public double SyncObjectsPerSecond { get; set; }

    /// <summary>S1's CPU time by process: our server, the bench (the members), the rest (the database).</summary>
    public CpuSplit? SyncCpu { get; set; }

    /// <summary>S4's CPU time by process, from the first member write to the end of the drain.</summary>
    public CpuSplit? ChurnCpu { get; set; }

    /// <summary>Peak RSS (VmHWM) of the server process at the end of S1.</summary>
    public long ServerPeakRssBytes { get; set; }

    /// <summary>S5: RSS of the server started on an empty database (after a few requests), and after S1.</summary>
    public long EmptyServerRssBytes { get; set; }
    public long ServerRssAfterSyncBytes { get; set; }
    public double? RssBytesPerObject { get; set; }
    public double TargetRssBytesPerObject { get; init; } = Issue18Targets.RssBytesPerObject;
    public bool? RssMeetsTarget => RssBytesPerObject is { } b ? b <= TargetRssBytesPerObject : null;

    /// <summary>S5: resources table with its indexes (PostgreSQL, MySQL) or the database files (SQLite), over its rows.</summary>
    public long StoredBytes { get; set; }
    public long StoredRows { get; set; }
    public double? StoredBytesPerObject { get; set; }

    /// <summary>Average JSON of one object as the members serve it (managedFields included).</summary>
    public double RawJsonBytesPerObject { get; set; }

    /// <summary>S4.</summary>
    public ChurnResult? Churn { get; set; }

    /// <summary>S3: "all deployments in namespace X across the clusters".</summary>
    public QueryResult? DirectMerge { get; set; }
    public QueryResult? OneRequestToUs { get; set; }
    public double? UsOverDirectP50 { get; set; }
    public List<string> Failures { get; } = [];
    public double TotalSeconds { get; set; }

    /// <summary>Issue 18: every pod listed without a limit, several times, with the server's RSS per round.</summary>
    public List<UnpagedListRound> UnpagedLists { get; } = [];

    /// <summary>
    /// PostgreSQL during S4: the resources table's inserts, updates and HOT updates, and the statements with the most
    /// execution time (pg_stat_statements over the churn and its drain).
    /// </summary>
    public List<string>? ChurnProfile { get; set; }

    /// <summary>
    /// PostgreSQL during S4, second by second from the first write: the average number of its processes in each wait
    /// state (<see cref="EndToEnd.PostgresWaitSampler"/>), beside <see cref="ChurnResult.LagP99BySecondMs"/>.
    /// </summary>
    public List<string>? ChurnWaitsBySecond { get; set; }

    /// <summary>
    /// PostgreSQL during S4, second by second: the oldest snapshot or transaction any process held in that second (its
    /// age in transaction ids and who held it). Old row versions stay on their pages until no snapshot can see them, and
    /// an update finds room for a HOT version only after they go.
    /// </summary>
    public List<string>? ChurnOldestSnapshotBySecond { get; set; }

    /// <summary>Issue 18 (PostgreSQL): statements per list request, from pg_stat_statements.</summary>
    public List<StatementCount> StatementsPerList { get; } = [];

    /// <summary>
    /// Issue 18's targets on this engine: idle RSS, memory across unpaged lists, statements per list (ListCost), S1, S5,
    /// S3 and S4 (<see cref="Issue18Targets.AddEndToEnd"/>).
    /// </summary>
    public List<CheckResult> Checks { get; } = [];
}
