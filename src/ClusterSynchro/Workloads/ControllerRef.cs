using System.Text.Json;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>The controlling owner reference of an object (the one marked controller, else the first), as far as workloads need it.</summary>
public readonly record struct ControllerRef(string ApiVersion, string Kind, string Name, string Uid)
{
    /// <summary>The API group of <see cref="ApiVersion"/> ("" for v1).</summary>
    public string Group => ApiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? ApiVersion[..slash] : "";

    /// <summary>
    /// The controller among <c>metadata.ownerReferences</c>: the entry with <c>controller: true</c>, else the first
    /// entry with a uid; null when there is none. Entries of the wrong shape are skipped.
    /// </summary>
    public static ControllerRef? Of(JsonElement ownerReferences)
    {
        if (ownerReferences.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        ControllerRef? first = null;
        foreach (var o in ownerReferences.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("uid", out var uid) || uid.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var owner = new ControllerRef(Text(o, "apiVersion"), Text(o, "kind"), Text(o, "name"), uid.GetString() ?? "");
            if (o.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True)
            {
                return owner;
            }

            first ??= owner;
        }

        return first;
    }

    private static string Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
