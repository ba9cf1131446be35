using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Workloads.Plugins;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// OpenAPI v3 documents of our own API groups, built once from the schemas of
/// <see cref="PediaClusterSchema"/> (the same that crds/*.yaml hold). kubectl reads them to
/// learn that the server validates fields itself (the fieldValidation parameter on POST and PATCH), so
/// <c>kubectl apply</c> works without <c>--validate=false</c>, and <c>kubectl explain</c> reads the schemas.
/// </summary>
internal sealed class OpenApiDocuments
{
    private readonly Dictionary<string, byte[]> _byGroupVersion = new(StringComparer.Ordinal);
    private readonly byte[] _index;
    private readonly Dictionary<(string, string, string), JsonObject> _schemas = [];

    public OpenApiDocuments()
    {
        var index = new JsonObject();
        foreach (var gv in OwnApiRegistry.All.GroupBy(r => (r.Group, r.Version)))
        {
            var doc = BuildDocument(gv.Key.Group, gv.Key.Version, gv, r =>
            {
                var schema = r.Resource switch
                {
                    PediaClusterResource.SyncResourcesResource => PediaClusterSchema.SyncResourcesV1Alpha2(),
                    WorkloadPluginResource.Resource => WorkloadPluginSchema.V1Alpha1(),
                    _ when r.Version == PediaClusterResource.Version => PediaClusterSchema.V1Alpha2(),
                    _ => PediaClusterSchema.V1Alpha1(),
                };
                _schemas[(r.Group, r.Version, r.Resource)] = schema;
                return (JsonObject)schema.DeepClone();
            });
            var bytes = JsonSerializer.SerializeToUtf8Bytes(doc);
            var key = $"apis/{gv.Key.Group}/{gv.Key.Version}";
            _byGroupVersion[key] = bytes;
            var hash = Convert.ToHexString(SHA256.HashData(bytes))[..32];
            index[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        _index = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["paths"] = index });
    }

    public ReadOnlyMemory<byte> Index => _index;

    public byte[]? Find(string groupVersionPath) => _byGroupVersion.GetValueOrDefault(groupVersionPath);

    /// <summary>Paths of fields the schema does not know (for fieldValidation Strict and Warn).</summary>
    public List<string> UnknownFields(OwnResource resource, JsonObject obj)
    {
        var found = new List<string>();
        if (_schemas.TryGetValue((resource.Group, resource.Version, resource.Resource), out var schema))
        {
            Walk(obj, schema, "", found);
        }

        return found;
    }

    private static void Walk(JsonNode? node, JsonObject schema, string path, List<string> found)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true)
        {
            return;
        }

        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (key, value) in obj)
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (properties[key] is JsonObject childSchema)
                {
                    Walk(value, childSchema, child, found);
                }
                else
                {
                    found.Add(child);
                }
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Walk(array[i], items, $"{path}[{i}]", found);
            }
        }
    }

    private static JsonObject BuildDocument(string group, string version, IEnumerable<OwnResource> resources, Func<OwnResource, JsonObject> schemaOf)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var reversed = string.Join('.', group.Split('.').Reverse());
        foreach (var r in resources)
        {
            var schemaName = $"{reversed}.{version}.{r.Kind}";
            var schema = schemaOf(r);
            schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(r.Group, r.Version, r.Kind));
            schemas[schemaName] = schema;
            schemas[schemaName + "List"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } },
                    ["metadata"] = new JsonObject { ["type"] = "object" },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(r.Group, r.Version, r.Kind + "List")),
            };

            var collection = $"/apis/{group}/{version}/{r.Resource}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation("list", r, schemaName + "List", write: false),
                ["post"] = Operation("post", r, schemaName, write: true),
            };
            paths[collection + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", r, schemaName, write: false),
                ["put"] = Operation("put", r, schemaName, write: true),
                ["patch"] = Operation("patch", r, schemaName, write: true),
                ["delete"] = Operation("delete", r, schemaName, write: false),
                ["parameters"] = new JsonArray(new JsonObject
                {
                    ["name"] = "name",
                    ["in"] = "path",
                    ["required"] = true,
                    ["description"] = $"name of the {r.Kind}",
                    ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
                }),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Clusterpedia", ["version"] = ServerVersion.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["kind"] = kind, ["version"] = version };

    private static JsonObject Operation(string action, OwnResource r, string schemaName, bool write)
    {
        var parameters = new JsonArray();
        if (write)
        {
            foreach (var p in new[] { "dryRun", "fieldManager", "fieldValidation" })
            {
                parameters.Add(new JsonObject { ["name"] = p, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } });
            }
        }

        var op = new JsonObject
        {
            ["operationId"] = $"{action}{r.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } },
                    },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(r.Group, r.Version, r.Kind),
        };
        if (write && action != "delete")
        {
            op["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } },
                },
                ["required"] = true,
            };
        }

        return op;
    }
}
