using System.Text.Json;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): all groups, versions and resources in one response to
/// <c>/api</c> or <c>/apis</c>, so kubectl learns what is searchable in one round trip instead of one per group
/// version. Served when the Accept header asks for it; the legacy documents otherwise.
/// </summary>
public static class AggregatedDiscovery
{
    /// <summary>The aggregated version the client asked for first (v2 or v2beta1), or null for legacy discovery.</summary>
    public static string? Negotiate(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return null;
        }

        foreach (var clause in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = clause.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0] is not ("application/json" or "*/*" or "application/*"))
            {
                continue;
            }

            string? asKind = null, group = null, version = null;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2, StringSplitOptions.TrimEntries);
                if (kv.Length != 2)
                {
                    continue;
                }

                switch (kv[0])
                {
                    case "as": asKind = kv[1]; break;
                    case "g": group = kv[1]; break;
                    case "v": version = kv[1]; break;
                    default: break;
                }
            }

            if (asKind is null)
            {
                return null;
            }

            if (asKind == "APIGroupDiscoveryList" && group == "apidiscovery.k8s.io" && version is "v2" or "v2beta1")
            {
                return version;
            }
        }

        return null;
    }

    public static string ContentType(string version) =>
        $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList";

    public static void Write(Utf8JsonWriter json, string version, IEnumerable<SyncedResource> resources)
    {
        json.WriteStartObject();
        json.WriteString("kind", "APIGroupDiscoveryList");
        json.WriteString("apiVersion", $"apidiscovery.k8s.io/{version}");
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        json.WriteStartArray("items");
        foreach (var group in resources.GroupBy(r => r.Resource.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            if (group.Key.Length > 0)
            {
                json.WriteString("name", group.Key);
            }

            json.WriteEndObject();
            json.WriteStartArray("versions");
            foreach (var v in group.GroupBy(r => r.Resource.Version).OrderBy(v => v.Key, KubeVersionComparer.Instance))
            {
                json.WriteStartObject();
                json.WriteString("version", v.Key);
                json.WriteStartArray("resources");
                foreach (var r in v.OrderBy(r => r.Resource.Resource, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("resource", r.Resource.Resource);
                    json.WriteStartObject("responseKind");
                    json.WriteString("group", r.Resource.Group);
                    json.WriteString("kind", r.Kind);
                    json.WriteString("version", r.Resource.Version);
                    json.WriteEndObject();
                    json.WriteString("scope", r.Namespaced ? "Namespaced" : "Cluster");
                    json.WriteString("singularResource", r.SingularName);
                    DiscoveryJson.WriteStrings(json, "verbs", DiscoveryWriter.ReadVerbs);
                    if (r.ShortNames.Count > 0)
                    {
                        DiscoveryJson.WriteStrings(json, "shortNames", r.ShortNames);
                    }

                    if (r.Categories.Count > 0)
                    {
                        DiscoveryJson.WriteStrings(json, "categories", r.Categories);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("freshness", "Current");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
