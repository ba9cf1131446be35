using k8s;
using k8s.Models;

namespace Clusterpedia.Clients.Tests;

/// <summary>What the member simulators themselves return, keyed as cluster/namespace/name for comparison.</summary>
internal static class MemberView
{
    public const string ClusterAnnotation = "shadow.clusterpedia.io/cluster-name";

    public static string Key(IKubernetesObject<V1ObjectMeta> obj, string cluster) => $"{cluster}/{obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}";

    /// <summary>The key of a search result, whose cluster is in the annotation the server adds.</summary>
    public static string Key(IKubernetesObject<V1ObjectMeta> obj) =>
        Key(obj, obj.Metadata.Annotations?.TryGetValue(ClusterAnnotation, out var c) == true ? c : "?");

    public static async Task<HashSet<string>> PodsAsync(DemoEnvironment env)
    {
        var keys = new HashSet<string>();
        foreach (var (name, sim) in new[] { ("cluster-1", env.Cluster1), ("cluster-2", env.Cluster2) })
        {
            using var member = ClientFactory.Member(sim);
            keys.UnionWith((await member.CoreV1.ListPodForAllNamespacesAsync()).Items.Select(p => Key(p, name)));
        }

        return keys;
    }

    public static async Task<HashSet<string>> DeploymentsAsync(DemoEnvironment env)
    {
        var keys = new HashSet<string>();
        foreach (var (name, sim) in new[] { ("cluster-1", env.Cluster1), ("cluster-2", env.Cluster2) })
        {
            using var member = ClientFactory.Member(sim);
            keys.UnionWith((await member.AppsV1.ListDeploymentForAllNamespacesAsync()).Items.Select(d => Key(d, name)));
        }

        return keys;
    }
}
