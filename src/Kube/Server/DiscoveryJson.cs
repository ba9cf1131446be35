using System.Text.Json;

namespace Clusterpedia.Kube.Server;

/// <summary>
/// Writes the legacy discovery documents kube-apiserver serves (APIVersions, APIGroupList, APIGroup, APIResourceList)
/// for the API server and the simulator alike; each passes its own view of groups and resources.
/// </summary>
public static class DiscoveryJson
{
    public static void WriteApiVersions(Utf8JsonWriter json, IEnumerable<string> versions, string serverAddress)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("kind", "APIVersions");
        WriteStrings(json, "versions", versions);
        json.WriteStartArray("serverAddressByClientCIDRs");
        json.WriteStartObject();
        json.WriteString("clientCIDR", "0.0.0.0/0");
        json.WriteString("serverAddress", serverAddress);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>An APIGroupList; each group's versions in the server's preference order, the first preferred.</summary>
    public static void WriteGroupList(Utf8JsonWriter json, IEnumerable<(string Name, IReadOnlyList<string> Versions)> groups)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(groups);
        json.WriteStartObject();
        json.WriteString("kind", "APIGroupList");
        json.WriteString("apiVersion", "v1");
        json.WriteStartArray("groups");
        foreach (var (name, versions) in groups)
        {
            WriteGroup(json, name, versions, standalone: false);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One group: standalone it is an APIGroup document, inside a list an entry of <c>groups</c>.</summary>
    public static void WriteGroup(Utf8JsonWriter json, string name, IReadOnlyList<string> versions, bool standalone)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(versions);
        json.WriteStartObject();
        if (standalone)
        {
            json.WriteString("kind", "APIGroup");
            json.WriteString("apiVersion", "v1");
        }

        json.WriteString("name", name);
        json.WriteStartArray("versions");
        foreach (var version in versions)
        {
            WriteGroupVersion(json, name, version);
        }

        json.WriteEndArray();
        if (versions.Count > 0)
        {
            json.WritePropertyName("preferredVersion");
            WriteGroupVersion(json, name, versions[0]);
        }

        json.WriteEndObject();
    }

    /// <summary>Opens an APIResourceList; its <c>resources</c> entries follow, then <see cref="WriteResourceListEnd"/>.</summary>
    public static void WriteResourceListStart(Utf8JsonWriter json, string groupVersion, bool withApiVersion)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("kind", "APIResourceList");
        if (withApiVersion)
        {
            json.WriteString("apiVersion", "v1");
        }

        json.WriteString("groupVersion", groupVersion);
        json.WriteStartArray("resources");
    }

    public static void WriteResourceListEnd(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One APIResource entry; empty short names and categories are left out, as kube-apiserver omits them.</summary>
    public static void WriteResource(
        Utf8JsonWriter json, string name, string singularName, bool namespaced, string kind,
        IReadOnlyList<string> verbs, IReadOnlyList<string> shortNames, IReadOnlyList<string> categories, string? storageVersionHash = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(shortNames);
        ArgumentNullException.ThrowIfNull(categories);
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("singularName", singularName);
        json.WriteBoolean("namespaced", namespaced);
        json.WriteString("kind", kind);
        WriteStrings(json, "verbs", verbs);
        WriteNonEmptyStrings(json, "shortNames", shortNames);
        WriteNonEmptyStrings(json, "categories", categories);
        if (storageVersionHash is not null)
        {
            json.WriteString("storageVersionHash", storageVersionHash);
        }

        json.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(values);
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    public static void WriteNonEmptyStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count > 0)
        {
            WriteStrings(json, name, values);
        }
    }

    private static void WriteGroupVersion(Utf8JsonWriter json, string group, string version)
    {
        json.WriteStartObject();
        json.WriteString("groupVersion", group.Length == 0 ? version : $"{group}/{version}");
        json.WriteString("version", version);
        json.WriteEndObject();
    }
}
