using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// kube-apiserver's graceful deletion with finalizers: a DELETE of an object that lists <c>metadata.finalizers</c>
/// only sets <c>deletionTimestamp</c>; the update that empties the list deletes the object; no finalizer may be
/// added once deletion started.
/// </summary>
internal static class Finalizers
{
    public static List<string> Of(JsonObject metadata) =>
        metadata["finalizers"] is JsonArray list
            ? [.. list.Select(f => f is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()]
            : [];

    public static bool IsDeleting(JsonObject metadata) => metadata["deletionTimestamp"] is not null;

    /// <summary>Marks an object as being deleted, as the registry's BeforeDelete does (generation bumped when tracked).</summary>
    public static void BeginDeletion(JsonObject metadata, DateTimeOffset now)
    {
        metadata["deletionTimestamp"] = ObjectJson.Timestamp(now);
        metadata["deletionGracePeriodSeconds"] = 0;
        if (metadata["generation"] is JsonValue g && g.TryGetValue<long>(out var generation))
        {
            metadata["generation"] = generation + 1;
        }
    }

    /// <summary>The finalizers of <paramref name="desired"/> that <paramref name="current"/> did not have.</summary>
    public static List<string> Added(JsonObject current, JsonObject desired)
    {
        var existing = Of(current).ToHashSet(StringComparer.Ordinal);
        return [.. Of(desired).Where(f => !existing.Contains(f))];
    }
}
