using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Converts PediaCluster objects between the seed's clusters.clusterpedia.io/v1alpha1 form and the stored
/// cluster.clusterpedia.io/v1alpha2 form, so both apply as-is and show up as the same cluster.
/// </summary>
public static class PediaClusterConversion
{
    public static readonly string V1Alpha2 = $"{PediaClusterResource.Group}/{PediaClusterResource.Version}";
    public static readonly string V1Alpha1 = $"{PediaClusterResource.LegacyGroup}/{PediaClusterResource.LegacyVersion}";

    /// <summary>v1alpha1 → v1alpha2 (returns a new object; the input is not changed).</summary>
    public static JsonObject ToV1Alpha2(JsonObject legacy)
    {
        var obj = (JsonObject)legacy.DeepClone();
        obj["apiVersion"] = V1Alpha2;
        if (obj["spec"] is JsonObject spec)
        {
            Rename(spec, "apiserverURL", "apiserver");
            if (spec["resources"] is JsonArray resources)
            {
                spec.Remove("resources");
                spec["syncResources"] = resources;
            }
        }

        if (obj["status"] is JsonObject status && status["resources"] is JsonArray statusResources)
        {
            status.Remove("resources");
            status["syncResources"] = statusResources;
        }

        return obj;
    }

    /// <summary>v1alpha2 → v1alpha1 (returns a new object). Fields v1alpha1 lacks are kept as they are.</summary>
    public static JsonObject ToV1Alpha1(JsonObject current)
    {
        var obj = (JsonObject)current.DeepClone();
        obj["apiVersion"] = V1Alpha1;
        if (obj["spec"] is JsonObject spec)
        {
            Rename(spec, "apiserver", "apiserverURL");
            if (spec["syncResources"] is JsonArray resources)
            {
                spec.Remove("syncResources");
                spec["resources"] = resources;
            }
        }

        if (obj["status"] is JsonObject status && status["syncResources"] is JsonArray statusResources)
        {
            status.Remove("syncResources");
            status["resources"] = statusResources;
        }

        return obj;
    }

    private static void Rename(JsonObject obj, string from, string to)
    {
        if (obj[from] is { } value)
        {
            obj.Remove(from);
            obj[to] = value;
        }
    }
}
