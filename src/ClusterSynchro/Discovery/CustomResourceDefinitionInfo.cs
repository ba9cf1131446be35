using System.Text.Json;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.Discovery;

/// <summary>The parts of a member cluster's CRD the synchro uses: which resource it defines and its printer columns per version.</summary>
internal sealed record CustomResourceDefinitionInfo(string Group, string Plural, IReadOnlyDictionary<string, IReadOnlyList<CustomColumn>> ColumnsByVersion)
{
    /// <summary>Reads an apiextensions.k8s.io/v1 CustomResourceDefinition; null when it is not one.</summary>
    public static CustomResourceDefinitionInfo? Parse(JsonElement crd)
    {
        if (!crd.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object
            || !spec.TryGetProperty("group", out var group) || group.ValueKind != JsonValueKind.String
            || !spec.TryGetProperty("names", out var names) || !names.TryGetProperty("plural", out var plural) || plural.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var columns = new Dictionary<string, IReadOnlyList<CustomColumn>>(StringComparer.Ordinal);
        if (spec.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in versions.EnumerateArray())
            {
                if (v.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    columns[name.GetString()!] = Columns(v);
                }
            }
        }

        return new CustomResourceDefinitionInfo(group.GetString()!, plural.GetString()!, columns);
    }

    private static List<CustomColumn> Columns(JsonElement version)
    {
        var result = new List<CustomColumn>();
        if (!version.TryGetProperty("additionalPrinterColumns", out var columns) || columns.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var c in columns.EnumerateArray())
        {
            var name = String(c, "name");
            var path = String(c, "jsonPath");
            if (name is null || path is null)
            {
                continue;
            }

            var priority = c.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : 0;
            result.Add(new CustomColumn(name, String(c, "type") ?? "string", String(c, "format"), String(c, "description"), priority, path));
        }

        return result;
    }

    private static string? String(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
