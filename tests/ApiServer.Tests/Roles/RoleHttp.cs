using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>
/// The HTTP side of the tests that run several server processes on one database: requests to our servers (whose
/// tests run them without authentication) and to a simulated member with its token, registering that member through
/// a server's PediaCluster API, and reading a watch stream until a matching event.
/// </summary>
public sealed class RoleHttp : IDisposable
{
    public const string PediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";

    public HttpClient Client { get; } = new();

    public async Task<(HttpStatusCode Code, string Body)> SendAsync(InProcessServer server, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.Url, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(HttpStatusCode Code, string Body)> GetAsync(InProcessServer server, string path) => SendAsync(server, HttpMethod.Get, path);

    public async Task<(HttpStatusCode Code, string Body)> GetAsync(SimulatedCluster member, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(member.Url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates PediaCluster <paramref name="name"/> syncing the member's deployments, through the server's API.</summary>
    public async Task CreatePediaClusterAsync(InProcessServer server, SimulatedCluster member, string name = "member")
    {
        var created = await SendAsync(server, HttpMethod.Post, PediaClusters, $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"},
             "spec":{"apiserver":"{{{member.Url.ToString().TrimEnd('/')}}}","tokenData":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(member.Token!))}}}",
                     "syncResources":[{"group":"apps","resources":["deployments"]}]}}
            """);
        created.Code.ShouldBe(HttpStatusCode.Created, created.Body);
    }

    /// <summary>Reads watch events until one matches; null when the stream ends first.</summary>
    public static async Task<JsonNode?> NextEventAsync(StreamReader watch, Func<JsonNode, bool> matches, CancellationToken ct)
    {
        while (await watch.ReadLineAsync(ct) is { } line)
        {
            var e = JsonNode.Parse(line)!;
            if (matches(e))
            {
                return e;
            }
        }

        return null;
    }

    public void Dispose() => Client.Dispose();
}
