using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ClusterSynchro.Clusters;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// The one rule set for an object of our own API, in the version it was sent in: metadata as kube-apiserver checks it,
/// the name on create, then the kind's own rules. Our standalone API applies it to every write and the admission
/// webhook to every object a host cluster asks about, so both refuse the same objects with the same field paths.
/// </summary>
internal static class OwnObjectValidation
{
    public static List<string> Validate(OwnResource resource, JsonObject obj, bool create, RequestLimits limits)
    {
        var errors = new List<string>();
        if (obj["metadata"] is not (null or JsonObject))
        {
            errors.Add("metadata: Invalid value: must be an object");
        }

        var metadata = obj["metadata"] as JsonObject ?? [];
        ObjectMetaValidation.Validate(metadata, limits, errors);
        if (create)
        {
            PediaClusterValidation.ValidateName(metadata["name"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null, errors);
        }

        resource.Validate(obj, errors);
        return errors;
    }
}
