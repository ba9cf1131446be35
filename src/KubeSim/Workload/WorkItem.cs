namespace Clusterpedia.KubeSim.Workload;

/// <summary>
/// One thing for <see cref="WorkloadController"/> to reconcile: an object by group-resource, namespace and name, or
/// (with <see cref="OwnerUid"/> as group-resource) whatever object owns the uid in <see cref="Name"/>.
/// </summary>
internal readonly record struct WorkItem(string GroupResource, string Namespace, string Name)
{
    public const string OwnerUid = "#owner";
    public const string AllDaemonSets = "#daemonsets";
}
