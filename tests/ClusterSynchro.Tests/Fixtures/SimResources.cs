using Clusterpedia.Kube;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>The resources the simulator generates, which the integration tests sync.</summary>
public static class SimResources
{
    public static readonly GroupVersionResource Namespaces = new("", "v1", "namespaces");
    public static readonly GroupVersionResource Nodes = new("", "v1", "nodes");
    public static readonly GroupVersionResource Pods = new("", "v1", "pods");
    public static readonly GroupVersionResource Services = new("", "v1", "services");
    public static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");
    public static readonly GroupVersionResource Deployments = new("apps", "v1", "deployments");
    public static readonly GroupVersionResource ReplicaSets = new("apps", "v1", "replicasets");
    public static readonly GroupVersionResource DaemonSets = new("apps", "v1", "daemonsets");

    public static readonly IReadOnlyList<GroupVersionResource> All =
        [Namespaces, Nodes, Pods, Services, ConfigMaps, Deployments, ReplicaSets, DaemonSets];
}
