namespace Clusterpedia.Bench.ScaleOut;

/// <summary>A synchro replica killed with SIGKILL: how long until the survivor held its clusters and caught up.</summary>
internal sealed class TakeoverResult
{
    public string Killed { get; set; } = "";

    public List<string> KilledClusters { get; set; } = [];

    /// <summary>Member objects changed (annotation) in the killed replica's clusters right after the kill.</summary>
    public int ChangesWhileUnheld { get; set; }

    public double HeldBySurvivorSeconds { get; set; }

    public double CaughtUpSeconds { get; set; }

    public double BoundSeconds { get; set; }

    public long StoredObjects { get; set; }

    public long MemberObjects { get; set; }

    /// <summary>Objects of the members missing from the store (by cluster, resource, uid, resourceVersion).</summary>
    public long Missing { get; set; }

    /// <summary>Stored objects no member has (or in an older resourceVersion).</summary>
    public long Extra { get; set; }

    /// <summary>Stored rows sharing a uid with another row.</summary>
    public long Duplicates { get; set; }

    public bool StoredSetEqualsMembers { get; set; }
}
