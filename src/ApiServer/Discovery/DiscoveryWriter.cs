using System.Text.Json;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// Legacy discovery of the synced resources: the documents are written by <see cref="DiscoveryJson"/>; what is ours
/// is the view (versions by Kubernetes priority, read-only verbs).
/// </summary>
public static class DiscoveryWriter
{
    public static readonly string[] ReadVerbs = ["get", "list", "watch"];

    public static void WriteApiVersions(Utf8JsonWriter json, IEnumerable<string> versions) =>
        DiscoveryJson.WriteApiVersions(json, versions, serverAddress: "");

    public static void WriteGroupList(Utf8JsonWriter json, IEnumerable<(string Group, IReadOnlyList<string> Versions)> groups) =>
        DiscoveryJson.WriteGroupList(json, groups.Select(g => (g.Group, Ordered(g.Versions))));

    public static void WriteGroup(Utf8JsonWriter json, string group, IReadOnlyList<string> versions) =>
        DiscoveryJson.WriteGroup(json, group, Ordered(versions), standalone: true);

    public static void WriteResourceList(Utf8JsonWriter json, string groupVersion, IEnumerable<SyncedResource> resources)
    {
        DiscoveryJson.WriteResourceListStart(json, groupVersion, withApiVersion: true);
        foreach (var r in resources)
        {
            DiscoveryJson.WriteResource(json, r.Resource.Resource, r.SingularName, r.Namespaced, r.Kind, ReadVerbs, r.ShortNames, r.Categories);
        }

        DiscoveryJson.WriteResourceListEnd(json);
    }

    private static IReadOnlyList<string> Ordered(IReadOnlyList<string> versions) => [.. versions.Order(KubeVersionComparer.Instance)];
}
