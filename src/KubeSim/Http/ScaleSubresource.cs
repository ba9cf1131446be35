using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The <c>scale</c> subresource (autoscaling/v1 Scale) of anything with <c>spec.replicas</c>: what <c>kubectl scale</c>
/// reads and writes. Writing it changes the parent's spec.replicas; the controller does the rest.
/// </summary>
internal static class ScaleSubresource
{
    public static JsonObject From(JsonObject parent)
    {
        var metadata = parent["metadata"] as JsonObject ?? [];
        var scaleMetadata = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (metadata[field] is { } value)
            {
                scaleMetadata[field] = value.DeepClone();
            }
        }

        var matchLabels = parent["spec"]?["selector"]?["matchLabels"] as JsonObject;
        var selector = matchLabels is null
            ? string.Empty
            : string.Join(',', matchLabels.Select(p => $"{p.Key}={p.Value?.GetValue<string>()}"));
        var status = new JsonObject { ["replicas"] = parent["status"]?["replicas"]?.DeepClone() ?? 0 };
        if (selector.Length > 0)
        {
            status["selector"] = selector;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            ["spec"] = new JsonObject { ["replicas"] = parent["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = status,
        };
    }

    /// <summary>Applies a changed Scale to its parent; a resourceVersion in it must match the parent's.</summary>
    public static JsonObject Apply(JsonObject parent, JsonObject scale)
    {
        if (scale["spec"]?["replicas"] is not JsonValue value || !value.TryGetValue<int>(out var replicas) || replicas < 0)
        {
            throw SimulatorApiException.Invalid("autoscaling", "Scale", ObjectJson.GetString(parent["metadata"] as JsonObject, "name") ?? string.Empty,
                "spec.replicas", "Invalid value: must be greater than or equal to 0");
        }

        var metadata = ObjectJson.Metadata(parent);
        if (ObjectJson.GetString(scale["metadata"] as JsonObject, "resourceVersion") is { Length: > 0 } rv)
        {
            metadata["resourceVersion"] = rv;
        }
        else
        {
            metadata.Remove("resourceVersion");
        }

        var spec = parent["spec"] as JsonObject ?? [];
        spec["replicas"] = replicas;
        parent["spec"] = spec;
        return parent;
    }
}
