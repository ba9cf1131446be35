using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// The CustomResourceDefinitions of our own kinds, built from <see cref="PediaClusterResource"/>,
/// <see cref="PediaClusterSchema"/> and <see cref="PediaClusterPrinterColumn"/>: what crds/*.yaml must say (hosted mode
/// applies those files to a host cluster). ApiServer.Tests' CrdYamlTests compares the files with these, field by field.
/// </summary>
public static class PediaClusterCrd
{
    public static JsonObject PediaClusters()
    {
        var version = Version(PediaClusterSchema.V1Alpha2());
        version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        version["additionalPrinterColumns"] = new JsonArray([.. PediaClusterPrinterColumn.All.Select(Column)]);
        return Crd(PediaClusterResource.Resource, PediaClusterResource.Kind, PediaClusterResource.Singular, PediaClusterResource.ShortNames, version);
    }

    public static JsonObject ClusterSyncResources() =>
        Crd(PediaClusterResource.SyncResourcesResource, PediaClusterResource.SyncResourcesKind, PediaClusterResource.SyncResourcesSingular, [],
            Version(PediaClusterSchema.SyncResourcesV1Alpha2()));

    private static JsonObject Version(JsonObject schema) => new()
    {
        ["name"] = PediaClusterResource.Version,
        ["served"] = true,
        ["storage"] = true,
        ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
    };

    private static JsonNode Column(PediaClusterPrinterColumn column)
    {
        var node = new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["jsonPath"] = column.JsonPath, ["description"] = column.Description };
        if (column.Priority != 0)
        {
            node["priority"] = column.Priority;
        }

        return node;
    }

    private static JsonObject Crd(string plural, string kind, string singular, IReadOnlyList<string> shortNames, JsonObject version)
    {
        var names = new JsonObject { ["kind"] = kind, ["listKind"] = kind + "List", ["plural"] = plural, ["singular"] = singular };
        if (shortNames.Count > 0)
        {
            names["shortNames"] = new JsonArray([.. shortNames.Select(n => (JsonNode)n)]);
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{plural}.{PediaClusterResource.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = PediaClusterResource.Group,
                ["scope"] = "Cluster",
                ["names"] = names,
                ["versions"] = new JsonArray(version),
            },
        };
    }
}
