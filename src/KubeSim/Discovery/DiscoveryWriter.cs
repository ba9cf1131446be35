using System.Text.Json;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// Writes discovery documents from the catalog, in both forms kube-apiserver serves: legacy (APIVersions, APIGroupList,
/// APIGroup, APIResourceList) and aggregated (APIGroupDiscoveryList, apidiscovery.k8s.io v2 or v2beta1).
/// </summary>
internal static class DiscoveryWriter
{
    public static void WriteApiVersions(Utf8JsonWriter writer, string serverAddress)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIVersions");
        writer.WriteStartArray("versions");
        writer.WriteStringValue("v1");
        writer.WriteEndArray();
        writer.WriteStartArray("serverAddressByClientCIDRs");
        writer.WriteStartObject();
        writer.WriteString("clientCIDR", "0.0.0.0/0");
        writer.WriteString("serverAddress", serverAddress);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteApiGroupList(Utf8JsonWriter writer, IReadOnlyList<ApiGroup> groups)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIGroupList");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartArray("groups");
        foreach (var group in groups)
        {
            WriteGroupBody(writer, group);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteApiGroup(Utf8JsonWriter writer, ApiGroup group)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIGroup");
        writer.WriteString("apiVersion", "v1");
        WriteGroupMembers(writer, group);
        writer.WriteEndObject();
    }

    public static void WriteApiResourceList(Utf8JsonWriter writer, ApiGroupVersion groupVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIResourceList");
        if (groupVersion.Group.Length > 0)
        {
            // The core list has no apiVersion on a real server; the group lists do.
            writer.WriteString("apiVersion", "v1");
        }

        writer.WriteString("groupVersion", groupVersion.GroupVersion);
        writer.WriteStartArray("resources");
        foreach (var resource in groupVersion.Resources)
        {
            writer.WriteStartObject();
            writer.WriteString("name", resource.Name);
            writer.WriteString("singularName", resource.SingularName);
            writer.WriteBoolean("namespaced", resource.Namespaced);
            writer.WriteString("kind", resource.Kind);
            WriteStrings(writer, "verbs", resource.Verbs, always: true);
            WriteStrings(writer, "shortNames", resource.ShortNames, always: false);
            WriteStrings(writer, "categories", resource.Categories, always: false);
            if (resource.StorageVersionHash is not null)
            {
                writer.WriteString("storageVersionHash", resource.StorageVersionHash);
            }

            writer.WriteEndObject();
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
                WriteStrings(writer, "verbs", sub.Verbs, always: true);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
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
        WriteStrings(writer, "verbs", resource.Verbs, always: true);
        WriteStrings(writer, "shortNames", resource.ShortNames, always: false);
        WriteStrings(writer, "categories", resource.Categories, always: false);
        if (resource.Subresources.Count > 0)
        {
            writer.WriteStartArray("subresources");
            foreach (var sub in resource.Subresources)
            {
                writer.WriteStartObject();
                writer.WriteString("subresource", sub.Name);
                WriteResponseKind(writer, sub.Group ?? string.Empty, sub.Version ?? string.Empty, sub.Kind);
                WriteStrings(writer, "verbs", sub.Verbs, always: true);
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

    private static void WriteGroupBody(Utf8JsonWriter writer, ApiGroup group)
    {
        writer.WriteStartObject();
        WriteGroupMembers(writer, group);
        writer.WriteEndObject();
    }

    private static void WriteGroupMembers(Utf8JsonWriter writer, ApiGroup group)
    {
        writer.WriteString("name", group.Name);
        writer.WriteStartArray("versions");
        foreach (var version in group.Versions)
        {
            WriteGroupVersion(writer, version);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("preferredVersion");
        WriteGroupVersion(writer, group.PreferredVersion);
    }

    private static void WriteGroupVersion(Utf8JsonWriter writer, ApiGroupVersion version)
    {
        writer.WriteStartObject();
        writer.WriteString("groupVersion", version.GroupVersion);
        writer.WriteString("version", version.Version);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values, bool always)
    {
        if (values.Count == 0 && !always)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
