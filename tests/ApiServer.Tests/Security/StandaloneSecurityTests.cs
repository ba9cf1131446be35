using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The secure default in standalone mode, asked as a client would (HttpClient and real kubectl): no credentials is a
/// 401 Status on every search and PediaCluster path, the token file's users get in, and the static policy lets a
/// viewer read but not write (403 in kube-apiserver's words).
/// </summary>
public sealed class StandaloneSecurityTests(StandaloneServer server) : IClassFixture<StandaloneServer>
{
    public static TheoryData<string, string> ProtectedRequests => new()
    {
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments" },
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods" },
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/api/v1/namespaces/default/pods/x" },
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments?watch=true" },
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/clusters/cluster-1/api/v1/pods" },
        { "GET", "/apis/clusterpedia.io/v1beta1/resources/version" },
        { "GET", "/apis/clusterpedia.io/v1beta1/collectionresources" },
        { "GET", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads" },
        { "GET", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters" },
        { "GET", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1" },
        { "GET", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters?watch=true" },
        { "POST", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters" },
        { "PUT", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1" },
        { "PATCH", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1" },
        { "DELETE", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1" },
        { "PATCH", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1/status" },
        { "GET", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1/status" },
        { "GET", "/apis/policy.clusterpedia.io/v1alpha1/clustersyncresources" },
        { "GET", "/apis/clusters.clusterpedia.io/v1alpha1/pediaclusters" },
        { "GET", "/apis" },
        { "GET", "/api" },
        { "GET", "/openapi/v2" },
        { "GET", "/openapi/v3" },
        { "GET", "/metrics" },
        { "GET", "/no/such/path" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRequests))]
    public async Task Request_NoCredentials_Unauthorized(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.Url, path));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json");
        }

        using var response = await server.Http.SendAsync(request);

        await ShouldBeStatusAsync(response, 401, "Unauthorized", "Unauthorized");
    }

    [Theory]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/api/v1/pods")]
    [InlineData("/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters")]
    public async Task Request_UnknownTokenOrForgedRemoteUser_Unauthorized(string path)
    {
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, path));
        forged.Headers.Add("X-Remote-User", "admin");
        forged.Headers.Add("X-Remote-Group", "system:masters");
        using var forgedResponse = await server.Http.SendAsync(forged);
        await ShouldBeStatusAsync(forgedResponse, 401, "Unauthorized", "Unauthorized");

        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, path));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        using var wrongResponse = await server.Http.SendAsync(wrong);
        await ShouldBeStatusAsync(wrongResponse, 401, "Unauthorized", "Unauthorized");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/version")]
    public async Task Get_AnonymousPublicPath_Ok(string path)
    {
        using var response = await server.Http.GetAsync(new Uri(server.Url, path));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_Http2_Served()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneServer.ViewerToken);

        using var response = await server.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Version.ShouldBe(HttpVersion.Version20);
    }

    [Fact]
    public async Task Create_Viewer_ForbiddenInKubeWords()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"))
        {
            Content = new StringContent("""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"x"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneServer.ViewerToken);

        using var response = await server.Http.SendAsync(request);

        var status = await ShouldBeStatusAsync(response, 403, "Forbidden",
            "pediaclusters.cluster.clusterpedia.io is forbidden: User \"viewer\" cannot create resource \"pediaclusters\" in API group \"cluster.clusterpedia.io\" at the cluster scope");
        status["details"]!["kind"]!.GetValue<string>().ShouldBe("pediaclusters");
        status["details"]!["group"]!.GetValue<string>().ShouldBe("cluster.clusterpedia.io");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task Kubectl_Tokens_AdminWritesViewerReadsUnknownUnauthorized(string binary)
    {
        var name = "sec-" + Path.GetFileName(binary).Replace(".", "-", StringComparison.Ordinal);
        var manifest = Path.Combine(server.Directory, name + ".yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: {name}
            spec:
              apiserver: "https://127.0.0.1:1"
              syncResources: []
            """);
        using var admin = await server.KubectlAsync(StandaloneServer.AdminToken, binary);
        using var viewer = await server.KubectlAsync(StandaloneServer.ViewerToken, binary);
        using var stranger = await server.KubectlAsync("unknown-token", binary);

        await admin.OkAsync("apply", "-f", manifest);

        (await viewer.OkAsync("get", "pediaclusters", name, "-o", "name")).Trim().ShouldBe($"pediacluster.cluster.clusterpedia.io/{name}");
        var denied = await viewer.RunAsync("delete", "pediacluster", name);
        denied.ExitCode.ShouldNotBe(0);
        denied.Stderr.ShouldContain($"pediaclusters.cluster.clusterpedia.io \"{name}\" is forbidden: User \"viewer\" cannot delete resource \"pediaclusters\" in API group \"cluster.clusterpedia.io\" at the cluster scope");
        var anonymous = await stranger.RunAsync("get", "pediaclusters");
        anonymous.ExitCode.ShouldNotBe(0);
        anonymous.Stderr.ShouldContain("Unauthorized");
        var search = await stranger.RunAsync("--cluster", "clusterpedia", "get", "deployments", "-A");
        search.ExitCode.ShouldNotBe(0);
        search.Stderr.ShouldContain("the server has asked for the client to provide credentials");
        (await viewer.OkAsync("get", "--raw", "/apis/clusterpedia.io/v1beta1/collectionresources")).ShouldContain("CollectionResourceList");
        await admin.OkAsync("delete", "pediacluster", name);
    }

    private static async Task<JsonNode> ShouldBeStatusAsync(HttpResponseMessage response, int code, string reason, string message)
    {
        ((int)response.StatusCode).ShouldBe(code);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        status["kind"]!.GetValue<string>().ShouldBe("Status");
        status["status"]!.GetValue<string>().ShouldBe("Failure");
        status["reason"]!.GetValue<string>().ShouldBe(reason);
        status["code"]!.GetValue<int>().ShouldBe(code);
        status["message"]!.GetValue<string>().ShouldBe(message);
        return status;
    }
}
