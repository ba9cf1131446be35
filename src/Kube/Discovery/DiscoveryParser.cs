using System.Text.Json;

namespace Clusterpedia.Kube.Discovery;

/// <summary>
/// Parses discovery documents: legacy <c>APIVersions</c>, <c>APIGroupList</c>, <c>APIResourceList</c> and aggregated
/// <c>APIGroupDiscoveryList</c>. Subresources (<c>deployments/status</c>) are attached to their parent, never listed
/// as resources.
/// </summary>
public static class DiscoveryParser
{
    /// <summary>The <c>kind</c> of a discovery document, to tell an aggregated answer from a legacy fallback.</summary>
    public static string? ReadKind(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKind = reader.ValueTextEquals("kind"u8);
            reader.Read();
            if (isKind)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary><c>/api</c>: the core versions (<c>["v1"]</c>).</summary>
    public static IReadOnlyList<string> ParseApiVersions(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        return Strings(doc.RootElement, "versions");
    }

    /// <summary><c>/apis</c>: groups with their versions (priority order) and preferred version, no resources yet.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Versions, string PreferredVersion)> ParseApiGroupList(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        var result = new List<(string, IReadOnlyList<string>, string)>();
        if (!doc.RootElement.TryGetProperty("groups", out var groups) || groups.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var group in groups.EnumerateArray())
        {
            var versions = new List<string>();
            if (group.TryGetProperty("versions", out var vs) && vs.ValueKind == JsonValueKind.Array)
            {
                versions.AddRange(vs.EnumerateArray().Select(v => Str(v, "version")).Where(v => v.Length > 0));
            }

            var preferred = group.TryGetProperty("preferredVersion", out var p) ? Str(p, "version") : string.Empty;
            result.Add((Str(group, "name"), versions, preferred.Length > 0 ? preferred : versions.FirstOrDefault() ?? string.Empty));
        }

        return result;
    }

    /// <summary><c>/api/v1</c> or <c>/apis/{group}/{version}</c>: the resources, subresources folded into their parents.</summary>
    public static ApiGroupVersionInfo ParseApiResourceList(ReadOnlySpan<byte> json, string group, string version)
    {
        using var doc = Parse(json);
        var parents = new List<JsonElement>();
        var subresources = new Dictionary<string, List<ApiSubresourceInfo>>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
        {
            foreach (var resource in resources.EnumerateArray())
            {
                var name = Str(resource, "name");
                var slash = name.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    parents.Add(resource);
                    continue;
                }

                var parent = name[..slash];
                if (!subresources.TryGetValue(parent, out var list))
                {
                    subresources[parent] = list = [];
                }

                list.Add(new ApiSubresourceInfo(
                    name[(slash + 1)..],
                    Str(resource, "kind"),
                    resource.TryGetProperty("group", out _) ? Str(resource, "group") : group,
                    resource.TryGetProperty("version", out _) ? Str(resource, "version") : version,
                    Strings(resource, "verbs")));
            }
        }

        var infos = parents.Select(r =>
        {
            var name = Str(r, "name");
            return new ApiResourceInfo(
                group,
                version,
                name,
                Str(r, "singularName"),
                Str(r, "kind"),
                r.TryGetProperty("namespaced", out var ns) && ns.ValueKind == JsonValueKind.True,
                Strings(r, "verbs"),
                Strings(r, "shortNames"),
                Strings(r, "categories"),
                subresources.TryGetValue(name, out var subs) ? subs : []);
        }).ToList();
        return new ApiGroupVersionInfo(group, version, infos);
    }

    /// <summary>An aggregated <c>APIGroupDiscoveryList</c> (from <c>/api</c> or <c>/apis</c>).</summary>
    public static IReadOnlyList<ApiGroupInfo> ParseAggregated(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        var groups = new List<ApiGroupInfo>();
        if (!doc.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return groups;
        }

        foreach (var item in items.EnumerateArray())
        {
            var name = item.TryGetProperty("metadata", out var md) ? Str(md, "name") : string.Empty;
            var versions = new List<ApiGroupVersionInfo>();
            if (item.TryGetProperty("versions", out var vs) && vs.ValueKind == JsonValueKind.Array)
            {
                foreach (var v in vs.EnumerateArray())
                {
                    var version = Str(v, "version");
                    var resources = new List<ApiResourceInfo>();
                    if (v.TryGetProperty("resources", out var rs) && rs.ValueKind == JsonValueKind.Array)
                    {
                        resources.AddRange(rs.EnumerateArray().Select(r => AggregatedResource(r, name, version)));
                    }

                    versions.Add(new ApiGroupVersionInfo(name, version, resources));
                }
            }

            // Versions are listed in priority order: the first is the preferred one.
            groups.Add(new ApiGroupInfo(name, versions.FirstOrDefault()?.Version ?? string.Empty, versions));
        }

        return groups;
    }

    private static ApiResourceInfo AggregatedResource(JsonElement r, string group, string version)
    {
        var kind = r.TryGetProperty("responseKind", out var rk) ? Str(rk, "kind") : string.Empty;
        var subresources = new List<ApiSubresourceInfo>();
        if (r.TryGetProperty("subresources", out var subs) && subs.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in subs.EnumerateArray())
            {
                var skind = s.TryGetProperty("responseKind", out var srk) ? srk : default;
                var sgroup = skind.ValueKind == JsonValueKind.Object ? Str(skind, "group") : string.Empty;
                var sversion = skind.ValueKind == JsonValueKind.Object ? Str(skind, "version") : string.Empty;
                subresources.Add(new ApiSubresourceInfo(
                    Str(s, "subresource"),
                    skind.ValueKind == JsonValueKind.Object ? Str(skind, "kind") : string.Empty,
                    sgroup.Length == 0 && sversion.Length == 0 ? group : sgroup,
                    sversion.Length == 0 ? version : sversion,
                    Strings(s, "verbs")));
            }
        }

        return new ApiResourceInfo(
            group,
            version,
            Str(r, "resource"),
            Str(r, "singularResource"),
            kind,
            string.Equals(Str(r, "scope"), "Namespaced", StringComparison.Ordinal),
            Strings(r, "verbs"),
            Strings(r, "shortNames"),
            Strings(r, "categories"),
            subresources);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonDocument.ParseValue(ref reader);
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : string.Empty;

    private static List<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
