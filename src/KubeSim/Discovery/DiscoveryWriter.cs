using System.Text.Json;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// Writes discovery documents from the catalog, in both forms kube-apiserver serves: legacy (APIVersions, APIGroupList,
/// APIGroup, APIResourceList) and aggregated (APIGroupDiscoveryList, apidiscovery.k8s.io v2 or v2beta1).
/// </summary>
internal static class DiscoveryWriter
{
    public static void WriteApiVersions(Utf8JsonWriter writer, string serverAddress) =>
        DiscoveryJson.WriteApiVersions(writer, ["v1"], serverAddress);

    public static void WriteApiGroupList(Utf8JsonWriter writer, IReadOnlyList<ApiGroup> groups) =>
        DiscoveryJson.WriteGroupList(writer, groups.Select(g => (g.Name, Versions(g))));

    public static void WriteApiGroup(Utf8JsonWriter writer, ApiGroup group) =>
        DiscoveryJson.WriteGroup(writer, group.Name, Versions(group), standalone: true);

    public static void WriteApiResourceList(Utf8JsonWriter writer, ApiGroupVersion groupVersion)
    {
        // The core list has no apiVersion on a real server; the group lists do.
        DiscoveryJson.WriteResourceListStart(writer, groupVersion.GroupVersion, withApiVersion: groupVersion.Group.Length > 0);
        foreach (var resource in groupVersion.Resources)
        {
            DiscoveryJson.WriteResource(
                writer, resource.Name, resource.SingularName, resource.Namespaced, resource.Kind, resource.Verbs, resource.ShortNames, resource.Categories,
                resource.StorageVersionHash);
            foreach (var sub in resource.Subresources)
            {
                writer.WriteStartObject();
                writer.WriteString("name", $"{resource.Name}/{sub.Name}");
                writer.WriteString("singularName", string.Empty);
                writer.WriteBoolean("namespaced", resource.Namespaced);
                if (sub.Group is not null)
                {
                    writer.WriteString("group", sub.Group);
                }

                if (sub.Version is not null)
                {
                    writer.WriteString("version", sub.Version);
                }

                writer.WriteString("kind", sub.Kind);
                DiscoveryJson.WriteStrings(writer, "verbs", sub.Verbs);
                writer.WriteEndObject();
            }
        }

        DiscoveryJson.WriteResourceListEnd(writer);
    }

    /// <summary>Aggregated discovery for <c>/api</c> (core only) or <c>/apis</c> (named groups).</summary>
    public static void WriteAggregated(Utf8JsonWriter writer, string apiVersion, IEnumerable<ApiGroup> groups, bool core)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIGroupDiscoveryList");
        writer.WriteString("apiVersion", apiVersion);
        writer.WriteStartObject("metadata");
        writer.WriteEndObject();
        writer.WriteStartArray("items");
        foreach (var group in groups)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            if (!core)
            {
                writer.WriteString("name", group.Name);
            }

            writer.WriteNull("creationTimestamp");
            writer.WriteEndObject();
            writer.WriteStartArray("versions");
            foreach (var version in group.Versions)
            {
                writer.WriteStartObject();
                writer.WriteString("version", version.Version);
                writer.WriteStartArray("resources");
                foreach (var resource in version.Resources)
                {
                    WriteAggregatedResource(writer, resource);
                }

                writer.WriteEndArray();
                writer.WriteString("freshness", "Current");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteAggregatedResource(Utf8JsonWriter writer, ApiResource resource)
    {
        writer.WriteStartObject();
        writer.WriteString("resource", resource.Name);
        WriteResponseKind(writer, string.Empty, string.Empty, resource.Kind);
        writer.WriteString("scope", resource.Namespaced ? "Namespaced" : "Cluster");
        writer.WriteString("singularResource", resource.SingularName);
        DiscoveryJson.WriteStrings(writer, "verbs", resource.Verbs);
        DiscoveryJson.WriteNonEmptyStrings(writer, "shortNames", resource.ShortNames);
        DiscoveryJson.WriteNonEmptyStrings(writer, "categories", resource.Categories);
        if (resource.Subresources.Count > 0)
        {
            writer.WriteStartArray("subresources");
            foreach (var sub in resource.Subresources)
            {
                writer.WriteStartObject();
                writer.WriteString("subresource", sub.Name);
                WriteResponseKind(writer, sub.Group ?? string.Empty, sub.Version ?? string.Empty, sub.Kind);
                DiscoveryJson.WriteStrings(writer, "verbs", sub.Verbs);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteResponseKind(Utf8JsonWriter writer, string group, string version, string kind)
    {
        writer.WriteStartObject("responseKind");
        writer.WriteString("group", group);
        writer.WriteString("version", version);
        writer.WriteString("kind", kind);
        writer.WriteEndObject();
    }

    /// <summary>A group's versions, the preferred first (the catalog keeps them so).</summary>
    private static IReadOnlyList<string> Versions(ApiGroup group) => [.. group.Versions.Select(v => v.Version)];
}
