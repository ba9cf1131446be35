using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests;

public sealed class DiscoveryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Version_Get_ReportsKubernetesVersion()
    {
        var version = await _http.GetObjectAsync("/version");

        version.Str("gitVersion").ShouldStartWith("v1.33.");
        version.Str("major").ShouldBe("1");
        version.Str("platform").ShouldBe("linux/amd64");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    public async Task Health_Get_Ok(string path)
    {
        (await _http.GetStringAsync(path)).ShouldBe("ok");
    }

    [Fact]
    public async Task Api_Get_ListsV1()
    {
        var api = await _http.GetObjectAsync("/api");

        api.Str("kind").ShouldBe("APIVersions");
        api["versions"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["v1"]);
    }

    [Fact]
    public async Task CoreResourceList_Get_HasPodsWithVerbsAndSubresources()
    {
        var list = await _http.GetObjectAsync("/api/v1");

        list.Str("groupVersion").ShouldBe("v1");
        var resources = list["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var pods = resources.Single(r => r.Str("name") == "pods");
        pods.Str("kind").ShouldBe("Pod");
        pods["namespaced"]!.GetValue<bool>().ShouldBeTrue();
        pods["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldContain("watch");
        resources.ShouldContain(r => r.Str("name") == "pods/status");
    }

    [Fact]
    public async Task Apis_Get_ListsAppsWithPreferredVersion()
    {
        var groups = await _http.GetObjectAsync("/apis");
        var apps = groups["groups"]!.AsArray().Single(g => g.Str("name") == "apps")!;

        apps.Str("preferredVersion.groupVersion").ShouldBe("apps/v1");
        (await _http.GetObjectAsync("/apis/apps")).Str("kind").ShouldBe("APIGroup");
        var appsV1 = await _http.GetObjectAsync("/apis/apps/v1");
        appsV1["resources"]!.AsArray().Select(r => r.Str("name")).ShouldContain("deployments");
    }

    [Fact]
    public async Task Apis_AggregatedAccept_AnswersApiGroupDiscoveryList()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.Content.Headers.ContentType!.ToString().ShouldContain("as=APIGroupDiscoveryList");
        body.Str("kind").ShouldBe("APIGroupDiscoveryList");
        body.Str("apiVersion").ShouldBe("apidiscovery.k8s.io/v2");
        body["items"]!.AsArray().ShouldContain(g => g.Str("metadata.name") == "apps");
    }

    [Fact]
    public async Task UnknownPath_Get_NotFoundStatus()
    {
        using var response = await _http.GetAsync("/apis/nope.example.com/v1/things");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        ((int)response.StatusCode).ShouldBe(404);
        status.Str("kind").ShouldBe("Status");
        status.Str("reason").ShouldBe("NotFound");
    }
}
