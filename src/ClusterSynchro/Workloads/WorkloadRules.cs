using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// The built-in workload rules (DeepFlow's workload kinds): a pod's workload is its controller, through the middle
/// owners ReplicaSet (→ Deployment), Job (→ CronJob) and InPlaceSet (→ CafeDeployment); StatefulSet and DaemonSet of
/// apps and apps.kruise.io (Advanced StatefulSet/DaemonSet), CloneSet and ReplicationController are workloads
/// themselves; a pod without a controller is its own workload. A middle owner's workload is its controller, or itself.
/// </summary>
public static class WorkloadRules
{
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Whether objects of this resource get a workload: pods and the middle owners.</summary>
    public static bool Applies(string group, string resource) => (group, resource) switch
    {
        ("", "pods") => true,
        ("apps" or "extensions", "replicasets") => true,
        ("batch", "jobs") => true,
        (_, "inplacesets") => true,
        _ => false,
    };

    /// <summary>
    /// The workload of an object of a resource that <see cref="Applies"/>. For a pod whose controller is a middle
    /// owner the answer is derived from the pod alone (a ReplicaSet named &lt;deployment&gt;-&lt;pod-template-hash&gt;
    /// means that Deployment) and follows the owner's stored workload once the owner is synced.
    /// </summary>
    public static WorkloadColumns Resolve(string resource, string name, ControllerRef? controller, string? podTemplateHash)
    {
        if (resource != "pods")
        {
            // ReplicaSet, Job, InPlaceSet: the workload is the controller (Deployment, CronJob, CafeDeployment...), or itself.
            var self = SelfKind(resource);
            return controller is { Kind.Length: > 0, Name.Length: > 0 } c
                ? new WorkloadColumns(c.Kind, c.Name, HandsDown: true)
                : new WorkloadColumns(self, name, HandsDown: true);
        }

        if (controller is not { Kind.Length: > 0, Name.Length: > 0 } owner)
        {
            return new WorkloadColumns("Pod", name);
        }

        return owner.Kind switch
        {
            "ReplicaSet" when owner.Group is "apps" or "extensions" => FromReplicaSet(owner.Name, podTemplateHash),
            "Job" when owner.Group == "batch" => new WorkloadColumns("Job", owner.Name, FollowsOwner: true),
            "InPlaceSet" => new WorkloadColumns("InPlaceSet", owner.Name, FollowsOwner: true),
            _ => new WorkloadColumns(owner.Kind, owner.Name),
        };
    }

    private static WorkloadColumns FromReplicaSet(string replicaSet, string? hash)
    {
        // The Deployment controller names its ReplicaSets <deployment>-<pod-template-hash> and labels their pods with it.
        if (!string.IsNullOrEmpty(hash) && replicaSet.Length > hash.Length + 1
            && replicaSet.EndsWith(hash, StringComparison.Ordinal) && replicaSet[^(hash.Length + 1)] == '-')
        {
            return new WorkloadColumns("Deployment", replicaSet[..^(hash.Length + 1)], FollowsOwner: true);
        }

        return new WorkloadColumns("ReplicaSet", replicaSet, FollowsOwner: true);
    }

    private static string SelfKind(string resource) => resource switch
    {
        "replicasets" => "ReplicaSet",
        "jobs" => "Job",
        _ => "InPlaceSet",
    };
}
