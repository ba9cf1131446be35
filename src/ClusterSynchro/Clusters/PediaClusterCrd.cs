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

    /// <summary>
    /// The seed's clusters.clusterpedia.io/v1alpha1 PediaCluster, a CRD of its own group, so that seed 004's YAML applies
    /// to a host cluster as written; hosted mode reads both and converts this form. Its status is written by the server.
    /// </summary>
    public static JsonObject LegacyPediaClusters()
    {
        var version = Version(PediaClusterSchema.V1Alpha1(), PediaClusterResource.LegacyVersion);
        version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        return Crd(PediaClusterResource.Resource, PediaClusterResource.Kind, PediaClusterResource.Singular, [], version, PediaClusterResource.LegacyGroup);
    }

    private static JsonObject Version(JsonObject schema, string name = PediaClusterResource.Version) => new()
    {
        ["name"] = name,
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

    private static JsonObject Crd(
        string plural, string kind, string singular, IReadOnlyList<string> shortNames, JsonObject version, string group = PediaClusterResource.Group)
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
            ["metadata"] = new JsonObject { ["name"] = $"{plural}.{group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["scope"] = "Cluster",
                ["names"] = names,
                ["versions"] = new JsonArray(version),
            },
        };
    }
}
