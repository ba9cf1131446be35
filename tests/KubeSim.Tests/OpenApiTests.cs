using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class OpenApiTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Index_Get_PointsAtEveryGroupVersion()
    {
        var index = await _http.GetObjectAsync("/openapi/v3");

        var paths = index["paths"]!.AsObject();
        paths.ContainsKey("api/v1").ShouldBeTrue();
        paths.ContainsKey("apis/apps/v1").ShouldBeTrue();
        paths["apis/apps/v1"].Str("serverRelativeURL").ShouldStartWith("/openapi/v3/apis/apps/v1?hash=");
    }

    [Fact]
    public async Task GroupVersionDocument_Patch_CarriesGvkAndFieldValidation()
    {
        var index = await _http.GetObjectAsync("/openapi/v3");
        var document = await _http.GetObjectAsync(index["paths"]!["apis/apps/v1"].Str("serverRelativeURL"));

        document.Str("openapi").ShouldStartWith("3.");
        var patch = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        patch.Str("x-kubernetes-group-version-kind.kind").ShouldBe("Deployment");
        patch.Str("x-kubernetes-group-version-kind.group").ShouldBe("apps");
        patch["parameters"]!.AsArray().ShouldContain(p => p.Str("name") == "fieldValidation" && p.Str("in") == "query");
        var post = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]!;
        post.Str("x-kubernetes-group-version-kind.kind").ShouldBe("Deployment");
    }

    [Fact]
    public async Task GroupVersionDocument_Crd_HasItsSchemaAndNewHash()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0 });
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Store.Create(new GroupVersionResource("apiextensions.k8s.io", "v1", "customresourcedefinitions"), null, """
            {"metadata":{"name":"gizmos.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
             "names":{"plural":"gizmos","kind":"Gizmo"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"n":{"type":"integer"}}}}}}}]}}
            """);

        var index = await http.GetObjectAsync("/openapi/v3");
        var document = await http.GetObjectAsync(index["paths"]!["apis/example.com/v1"].Str("serverRelativeURL"));

        var schema = document["components"]!["schemas"]!["com.example.v1.Gizmo"]!;
        schema.Str("properties.spec.properties.n.type").ShouldBe("integer");
        schema["x-kubernetes-group-version-kind"]![0].Str("kind").ShouldBe("Gizmo");
        document["paths"]!["/apis/example.com/v1/namespaces/{namespace}/gizmos/{name}"]!["patch"].Str("x-kubernetes-group-version-kind.kind").ShouldBe("Gizmo");
    }

    [Fact]
    public async Task V2_ProtobufAccept_ProtobufContentType()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var json = JsonNode.Parse(await _http.GetStringAsync("/openapi/v2"))!;

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        bytes[0].ShouldBe((byte)0x0A);
        json.Str("swagger").ShouldBe("2.0");
        json["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["patch"].Str("x-kubernetes-group-version-kind.kind").ShouldBe("Pod");
    }
}
