namespace Clusterpedia.Storage;

/// <summary>
/// The workload an object belongs to, as the synchro resolved it (pods; replicasets, jobs and inplacesets, whose
/// workload is their owner). Stored with the object in indexed columns, searched with the workload search keys.
/// </summary>
/// <param name="Kind">e.g. Deployment, StatefulSet, CloneSet, Pod (a bare pod); null: the object has no workload.</param>
/// <param name="Name">The workload's name, in the object's namespace.</param>
/// <param name="FollowsOwner">
/// The workload came through a middle owner (ReplicaSet, Job, InPlaceSet) and was derived from the object alone: while
/// that owner is stored with a workload of its own, the row takes the owner's (storage keeps them in step).
/// </param>
/// <param name="HandsDown">The object is such a middle owner: the rows that follow it take its workload when it is written.</param>
public readonly record struct WorkloadColumns(string? Kind, string? Name, bool FollowsOwner = false, bool HandsDown = false)
{
    public static WorkloadColumns None => default;
}
