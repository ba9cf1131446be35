using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Discovery;

namespace Clusterpedia.ApiServer.Tests.Unit;

/// <summary>kubectl explain prints a field's description: every field of our own API has one.</summary>
public sealed class OwnApiSchemaTests
{
    public static TheoryData<string> GroupVersions() => ["apis/cluster.clusterpedia.io/v1alpha2", "apis/clusters.clusterpedia.io/v1alpha1"];

    [Theory]
    [MemberData(nameof(GroupVersions))]
    public void OpenApiV3_EveryFieldOfOurKinds_HasADescription(string groupVersion)
    {
        var bytes = new OpenApiDocuments().Find(groupVersion) ?? throw new InvalidOperationException($"no OpenAPI document for {groupVersion}");
        var schemas = JsonNode.Parse(bytes)!["components"]!["schemas"]!.AsObject();
        var missing = new List<string>();
        var kinds = 0;
        foreach (var (name, schema) in schemas)
        {
            // The List wrappers and the shared meta types are kube-apiserver's, not ours.
            if (name.EndsWith("List", StringComparison.Ordinal) || schema!["x-kubernetes-group-version-kind"] is null)
            {
                continue;
            }

            kinds++;
            Walk(schema!.AsObject(), name, missing);
        }

        kinds.ShouldBeGreaterThan(0);
        missing.ShouldBeEmpty($"fields without a description: {string.Join(", ", missing)}");
    }

    private static void Walk(JsonObject schema, string path, List<string> missing)
    {
        if (schema["description"] is not JsonValue description || description.GetValueKind() != JsonValueKind.String || description.GetValue<string>().Length == 0)
        {
            missing.Add(path);
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Walk(child!.AsObject(), path + "." + name, missing);
            }
        }

        if (schema["items"] is JsonObject { } items && items["properties"] is JsonObject itemProperties)
        {
            foreach (var (name, child) in itemProperties)
            {
                Walk(child!.AsObject(), path + "[]." + name, missing);
            }
        }
    }
}
