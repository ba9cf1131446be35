namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>Tuning of the synchros, bound from the "Synchro" configuration section.</summary>
public sealed class SynchroOptions
{
    /// <summary>Objects per list page requested from member clusters.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>Most watch events written to storage in one transaction.</summary>
    public int MaxBatch { get; set; } = 1000;

    /// <summary>Drop metadata.managedFields and the last-applied annotation before storing.</summary>
    public bool PruneObjects { get; set; } = true;

    /// <summary>Server-side timeout of each watch request; the synchro re-watches from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest wait between retries after errors (backoff is jittered and exponential up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the manager re-reads PediaClusters even without a change signal.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often cluster health is probed.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(10);
}
