using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>Malformed requests get a 4xx Status that names the problem; none gets a 500.</summary>
public sealed class BadInputTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";

    [Theory]
    [InlineData("application/json", "{not json", 400, "JSON")]
    [InlineData("application/json", "[1,2]", 400, "object")]
    [InlineData("application/json", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}""", 400, "API version")]
    [InlineData("application/json", """{"kind":"Deployment","metadata":{"name":"x"}}""", 400, "kind")]
    [InlineData("application/json", """{"metadata":"x"}""", 400, "metadata")]
    [InlineData("application/yaml", "metadata: [unclosed", 400, "YAML")]
    [InlineData("text/plain", "hello", 415, "text/plain")]
    public async Task CreatePediaCluster_BadBody_IsClientErrorStatus(string contentType, string body, int code, string mention)
    {
        using var response = await env.Http.PostAsync(new Uri(env.Server, _pediaClusters), new StringContent(body, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(code, text);
        using var doc = JsonDocument.Parse(text);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
        doc.RootElement.GetProperty("message").GetString()!.ShouldContain(mention, Case.Insensitive);
    }

    [Theory]
    [MemberData(nameof(MalformedPediaClusters.Bodies), MemberType = typeof(MalformedPediaClusters))]
    public Task CreatePediaCluster_MalformedSpec_Is422NamingTheField(string body, string mention) =>
        CreatePediaCluster_BadBody_IsClientErrorStatus("application/json", body, 422, mention);

    [Fact]
    public async Task CreatePediaCluster_Yaml_IsAccepted()
    {
        var yaml = """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: from-yaml
            spec:
              apiserver: "https://127.0.0.1:1"
              syncResources:
              - group: apps
                resources: [deployments]
            """;
        using var response = await env.Http.PostAsync(new Uri(env.Server, _pediaClusters), new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
        using var delete = await env.Http.DeleteAsync(new Uri(env.Server, _pediaClusters + "/from-yaml"));
        ((int)delete.StatusCode).ShouldBe(200);
    }

    [Theory]
    [InlineData("application/json-patch+json", """{"op":"add"}""", 400)]
    [InlineData("application/json-patch+json", """[{"op":"remove","path":"/spec/nope"}]""", 422)]
    [InlineData("application/merge-patch+json", "[1]", 400)]
    [InlineData("application/merge-patch+json", """{"spec":{"apiserver":"ftp://x"}}""", 422)]
    [InlineData("application/apply-patch+yaml+cbor", "{}", 415)]
    public async Task PatchPediaCluster_BadPatch_IsClientErrorStatus(string contentType, string body, int code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(env.Server, _pediaClusters + "/cluster-1"))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await env.Http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(code, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods", "application/vnd.kubernetes.protobuf", 406)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?includeObject=Everything", "application/json;as=Table;v=v1;g=meta.k8s.io", 400)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?fieldSelector=status.phase%3D%3D%3D", "application/json", 400)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?ownerSeniority=99&ownerName=x", "application/json", 400)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?orderby=name%20sideways", "application/json", 400)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?labelSelector=search.clusterpedia.io%2Fclusters%20in%20(a),search.clusterpedia.io%2Fclusters%20in%20(b)", "application/json", 400)]
    public async Task Search_BadRequest_IsClientErrorStatus(string path, string accept, int code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server, path));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await env.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(code, text);
        JsonDocument.Parse(text).RootElement.GetProperty("kind").GetString().ShouldBe("Status");
    }

    [Theory]
    [InlineData("POST", "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods")]
    [InlineData("DELETE", "/apis/clusterpedia.io/v1beta1/resources/clusters/cluster-1/api/v1/namespaces/default/pods/x")]
    [InlineData("PUT", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads")]
    public async Task Search_WriteVerbs_Are405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(env.Server, path)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var response = await env.Http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(405, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Search_WithUnreachableCluster_AddsWarningHeader()
    {
        var body = """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"unreachable"},"spec":{"apiserver":"https://127.0.0.1:1","syncResources":[{"group":"apps","resources":["deployments"]}]}}""";
        using var created = await env.Http.PostAsync(new Uri(env.Server, _pediaClusters), new StringContent(body, Encoding.UTF8, "application/json"));
        ((int)created.StatusCode).ShouldBe(201);
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments?limit=1"));
                    ((int)response.StatusCode).ShouldBe(200);
                    return response.Headers.TryGetValues("Warning", out var warnings) && warnings.Any(w => w.Contains("cluster unreachable is not ready", StringComparison.Ordinal));
                },
                TimeSpan.FromSeconds(20), "no Warning header named the unreachable cluster", TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            using var deleted = await env.Http.DeleteAsync(new Uri(env.Server, _pediaClusters + "/unreachable"));
        }
    }
}
