using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Reads of our own objects' fields that never throw on a wrong type: a stored or host object with
/// <c>metadata.finalizers: [1]</c> or numeric labels must read as "not there", not stop the reconcile of every
/// PediaCluster (JsonNode's <c>GetValue&lt;string&gt;</c> and indexers throw on a number or an array).
/// </summary>
internal static class JsonFields
{
    /// <summary>The string at <paramref name="node"/>.<paramref name="first"/>[.<paramref name="second"/>]; null when a step is missing or not an object, or the value is not a string.</summary>
    public static string? Text(JsonNode? node, string first, string? second = null)
    {
        var value = (node as JsonObject)?[first];
        if (second is not null)
        {
            value = (value as JsonObject)?[second];
        }

        return Text(value);
    }

    /// <summary>The node as a string; null when it is not one.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The object-valued property, or null when missing or of another type.</summary>
    public static JsonObject? Object(JsonNode? node, string name) => (node as JsonObject)?[name] as JsonObject;
}
