using System.Text.Json;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Discovery;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>Writes legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList).</summary>
public static class DiscoveryWriter
{
    public static readonly string[] ReadVerbs = ["get", "list", "watch"];

    public static void WriteApiVersions(Utf8JsonWriter json, IEnumerable<string> versions)
    {
        json.WriteStartObject();
        json.WriteString("kind", "APIVersions");
        json.WriteStartArray("versions");
        foreach (var v in versions)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
        json.WriteStartArray("serverAddressByClientCIDRs");
        json.WriteStartObject();
        json.WriteString("clientCIDR", "0.0.0.0/0");
        json.WriteString("serverAddress", "");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteGroupList(Utf8JsonWriter json, IEnumerable<(string Group, IReadOnlyList<string> Versions)> groups)
    {
        json.WriteStartObject();
        json.WriteString("kind", "APIGroupList");
        json.WriteString("apiVersion", "v1");
        json.WriteStartArray("groups");
        foreach (var (group, versions) in groups)
        {
            WriteGroupBody(json, group, versions);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteGroup(Utf8JsonWriter json, string group, IReadOnlyList<string> versions) =>
        WriteGroupBody(json, group, versions, standalone: true);

    private static void WriteGroupBody(Utf8JsonWriter json, string group, IReadOnlyList<string> versions, bool standalone = false)
    {
        var ordered = versions.Order(KubeVersionComparer.Instance).ToList();
        json.WriteStartObject();
        if (standalone)
        {
            json.WriteString("kind", "APIGroup");
            json.WriteString("apiVersion", "v1");
        }

        json.WriteString("name", group);
        json.WriteStartArray("versions");
        foreach (var v in ordered)
        {
            json.WriteStartObject();
            json.WriteString("groupVersion", $"{group}/{v}");
            json.WriteString("version", v);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (ordered.Count > 0)
        {
            json.WriteStartObject("preferredVersion");
            json.WriteString("groupVersion", $"{group}/{ordered[0]}");
            json.WriteString("version", ordered[0]);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public static void WriteResourceList(Utf8JsonWriter json, string groupVersion, IEnumerable<SyncedResource> resources)
    {
        json.WriteStartObject();
        json.WriteString("kind", "APIResourceList");
        json.WriteString("apiVersion", "v1");
        json.WriteString("groupVersion", groupVersion);
        json.WriteStartArray("resources");
        foreach (var r in resources)
        {
            json.WriteStartObject();
            json.WriteString("name", r.Resource.Resource);
            json.WriteString("singularName", r.SingularName);
            json.WriteBoolean("namespaced", r.Namespaced);
            json.WriteString("kind", r.Kind);
            WriteStrings(json, "verbs", ReadVerbs);
            if (r.ShortNames.Count > 0)
            {
                WriteStrings(json, "shortNames", r.ShortNames);
            }

            if (r.Categories.Count > 0)
            {
                WriteStrings(json, "categories", r.Categories);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }
}
