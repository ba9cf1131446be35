using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// kube-aggregator's fallback for backends that do not serve aggregated discovery: their legacy APIResourceList for
/// <c>/apis/&lt;group&gt;/&lt;version&gt;</c> becomes one APIVersionDiscovery entry (resources with their scope, kind,
/// verbs, short names and categories; <c>parent/sub</c> entries folded into the parent's subresources), as upstream
/// converts a group-version into discovery.
/// </summary>
internal static class LegacyDiscoveryConversion
{
    public static JsonObject ToVersionEntry(string version, JsonObject resourceList)
    {
        var entries = (resourceList["resources"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var parents = new List<JsonObject>();
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !Name(e).Contains('/', StringComparison.Ordinal)))
        {
            var resource = new JsonObject
            {
                ["resource"] = Name(entry),
                ["responseKind"] = Kind(entry),
                ["scope"] = entry["namespaced"]?.GetValue<bool>() == true ? "Namespaced" : "Cluster",
                ["singularResource"] = entry["singularName"]?.GetValue<string>() ?? string.Empty,
                ["verbs"] = entry["verbs"]?.DeepClone() ?? new JsonArray(),
            };
            CopyIfPresent(entry, resource, "shortNames");
            CopyIfPresent(entry, resource, "categories");
            parents.Add(resource);
            byName[Name(entry)] = resource;
        }

        foreach (var entry in entries.Where(e => Name(e).Contains('/', StringComparison.Ordinal)))
        {
            var name = Name(entry);
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (!byName.TryGetValue(name[..slash], out var parent))
            {
                continue;
            }

            if (parent["subresources"] is not JsonArray subresources)
            {
                subresources = [];
                parent["subresources"] = subresources;
            }

            subresources.Add(new JsonObject
            {
                ["subresource"] = name[(slash + 1)..],
                ["responseKind"] = Kind(entry),
                ["verbs"] = entry["verbs"]?.DeepClone() ?? new JsonArray(),
            });
        }

        return new JsonObject { ["version"] = version, ["resources"] = new JsonArray([.. parents]) };
    }

    private static string Name(JsonObject entry) => entry["name"]?.GetValue<string>() ?? string.Empty;

    private static JsonObject Kind(JsonObject entry) => new()
    {
        ["group"] = entry["group"]?.GetValue<string>() ?? string.Empty,
        ["version"] = entry["version"]?.GetValue<string>() ?? string.Empty,
        ["kind"] = entry["kind"]?.GetValue<string>() ?? string.Empty,
    };

    private static void CopyIfPresent(JsonObject from, JsonObject to, string key)
    {
        if (from[key] is JsonArray { Count: > 0 } values)
        {
            to[key] = values.DeepClone();
        }
    }
}
