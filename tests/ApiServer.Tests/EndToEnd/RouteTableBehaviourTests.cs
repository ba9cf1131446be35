using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// What the route table answers at its edges, the same as when handlers parsed paths themselves: a trailing slash is
/// the path without it, unknown paths are 404 and known paths asked with a method they do not take are 405, each a
/// Status.
/// </summary>
public sealed class RouteTableBehaviourTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";

    [Theory]
    [InlineData(_search + "/apis/")]
    [InlineData(_search + "/api/")]
    [InlineData(_search + "/clusters/cluster-1/api/v1/")]
    [InlineData(_pediaClusters + "/")]
    [InlineData("/apis/clusterpedia.io/v1beta1/collectionresources/")]
    public async Task Get_TrailingSlash_SameAsWithout(string path)
    {
        await env.WaitReadyAsync("cluster-1");
        var (withSlash, _) = await SendAsync("GET", path);
        var (without, _) = await SendAsync("GET", path.TrimEnd('/'));

        withSlash.ShouldBe(200);
        without.ShouldBe(200);
    }

    [Theory]
    [InlineData("GET", _search, 404)]
    [InlineData("GET", _search + "/foo/bar", 404)]
    [InlineData("POST", _search + "/foo/bar", 405)]
    [InlineData("PATCH", _search + "/apis/apps/v1/deployments", 405)]
    [InlineData("GET", _search + "/api/v1/namespaces/default/pods/p/log", 404)]
    [InlineData("POST", "/version", 404)]
    [InlineData("DELETE", "/apis", 404)]
    [InlineData("HEAD", "/apis/clusterpedia.io/v1beta1/collectionresources", 405)]
    [InlineData("DELETE", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads", 405)]
    [InlineData("GET", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads/extra", 404)]
    [InlineData("DELETE", _pediaClusters, 405)]
    [InlineData("PUT", _pediaClusters, 405)]
    [InlineData("POST", _pediaClusters + "/x", 405)]
    [InlineData("DELETE", _pediaClusters + "/x/status", 405)]
    [InlineData("GET", _pediaClusters + "/x/scale", 404)]
    [InlineData("GET", "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources/x/status", 404)]
    [InlineData("GET", "/apis/cluster.clusterpedia.io/v9/pediaclusters", 404)]
    [InlineData("GET", "/apis/example.io/v1/things/x", 404)]
    public async Task Send_EdgeOfTheRouteTable_StatusWithCode(string method, string path, int code)
    {
        var (status, body) = await SendAsync(method, path);

        status.ShouldBe(code, body);
        if (method != "HEAD")
        {
            using var doc = JsonDocument.Parse(body);
            doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
            doc.RootElement.GetProperty("code").GetInt32().ShouldBe(code);
        }
    }

    private async Task<(int Code, string Body)> SendAsync(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(env.Server, path));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json");
        }

        using var response = await env.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
