using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Builders for the OpenAPI v3 schema nodes of our own kinds, so <see cref="PediaClusterSchema"/> reads like the
/// structural schema it is: a type, a description, and the properties.
/// </summary>
internal static class OpenApiSchemaNodes
{
    public static JsonObject Str(string description, string? format = null)
    {
        var node = new JsonObject { ["type"] = "string", ["description"] = description };
        if (format is not null)
        {
            node["format"] = format;
        }

        return node;
    }

    public static JsonObject Bool(string description) => new() { ["type"] = "boolean", ["description"] = description };

    public static JsonObject Int64(string description) => new() { ["type"] = "integer", ["format"] = "int64", ["description"] = description };

    public static JsonObject Strings(string description) =>
        new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = description };

    public static JsonObject Arr(string description, JsonObject items) =>
        new() { ["type"] = "array", ["description"] = description, ["items"] = items };

    /// <summary>An object; <paramref name="description"/> is null only for the items of an array (the array has one).</summary>
    public static JsonObject Obj(string? description, params (string Name, JsonObject Schema)[] properties)
    {
        var node = new JsonObject { ["type"] = "object" };
        if (description is not null)
        {
            node["description"] = description;
        }

        if (properties.Length > 0)
        {
            var props = new JsonObject();
            foreach (var (name, schema) in properties)
            {
                props[name] = schema;
            }

            node["properties"] = props;
        }

        return node;
    }

    public static JsonObject Require(this JsonObject node, params string[] names)
    {
        node["required"] = new JsonArray([.. names.Select(n => (JsonNode)n)]);
        return node;
    }

    /// <summary>Fields the server writes and may extend (status): unknown ones are kept, not pruned or warned about.</summary>
    public static JsonObject PreserveUnknownFields(this JsonObject node)
    {
        node["x-kubernetes-preserve-unknown-fields"] = true;
        return node;
    }
}
