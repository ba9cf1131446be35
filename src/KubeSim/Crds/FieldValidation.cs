using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Discovery;

namespace Clusterpedia.KubeSim.Crds;

/// <summary>
/// Structural-schema pruning of custom resources with kube-apiserver's <c>fieldValidation</c> directive on top:
/// fields the CRD's openAPIV3Schema does not declare are dropped (Ignore, the default), dropped with a
/// <c>Warning: 299</c> header each (Warn), or make the write fail with 400 "strict decoding error" (Strict).
/// Built-in resources carry no schema here and pass untouched.
/// </summary>
internal static class FieldValidation
{
    public static void Apply(HttpContext context, ApiResource resource, JsonObject obj)
    {
        if (resource.Schema is not { } schema)
        {
            return;
        }

        var unknown = new List<string>();
        Walk(schema, obj, string.Empty, unknown, typeMetaAllowed: true);
        if (unknown.Count == 0)
        {
            return;
        }

        var directive = context.Request.Query["fieldValidation"].ToString();
        if (string.Equals(directive, "Strict", StringComparison.OrdinalIgnoreCase))
        {
            throw SimulatorApiException.BadRequest(
                $"{resource.Kind} in version \"{resource.Version}\" cannot be handled as a {resource.Kind}: strict decoding error: "
                + string.Join(", ", unknown.Select(field => $"unknown field \"{field}\"")));
        }

        if (string.Equals(directive, "Warn", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var field in unknown)
            {
                context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
            }
        }
    }

    private static void Walk(JsonElement schema, JsonNode? node, string path, List<string> unknown, bool typeMetaAllowed)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (node is JsonArray array)
        {
            if (schema.TryGetProperty("items", out var items))
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(items, array[i], $"{path}[{i}]", unknown, typeMetaAllowed: false);
                }
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        var preserve = schema.TryGetProperty("x-kubernetes-preserve-unknown-fields", out var p) && p.ValueKind == JsonValueKind.True;
        var embedded = schema.TryGetProperty("x-kubernetes-embedded-resource", out var e) && e.ValueKind == JsonValueKind.True;
        var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var (key, value) in obj.ToList())
        {
            var child = path.Length == 0 ? key : $"{path}.{key}";
            if ((typeMetaAllowed || embedded) && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (hasProperties && properties.TryGetProperty(key, out var propertySchema))
            {
                Walk(propertySchema, value, child, unknown, typeMetaAllowed: false);
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Walk(additional, value, child, unknown, typeMetaAllowed: false);
            }
            else if (!preserve && additional.ValueKind != JsonValueKind.True)
            {
                unknown.Add(child);
                obj.Remove(key);
            }
        }
    }
}
