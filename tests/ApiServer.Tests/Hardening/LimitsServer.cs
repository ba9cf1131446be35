using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// The real server on a loopback port with SQLite in a temporary directory and no member clusters: enough to
/// exercise request bodies and writes of our own objects. Holds one PediaCluster and one ClusterSyncResources
/// ("target") for updates and patches to aim at. Extra arguments (e.g. "--Limits:MaxBodyDepth", "10") configure it.
/// </summary>
public class LimitsServer : IAsyncLifetime
{
    public const string PediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    public const string SyncResources = "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources";

    private readonly TempDirectory _dir = new("clusterpedia-limits-");
    private readonly string[] _extraArgs;
    private InProcessServer? _server;

    public LimitsServer()
        : this([])
    {
    }

    protected LimitsServer(string[] extraArgs) => _extraArgs = extraArgs;

    public Uri Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(_dir.Path, _extraArgs);
        Server = _server.Url;

        var (code, text) = await SendAsync(HttpMethod.Post, PediaClusters, "application/json", Encoding.UTF8.GetBytes(PediaCluster("target", "")));
        code.ShouldBe(201, text);
        (code, text) = await SendAsync(HttpMethod.Post, SyncResources, "application/json", Encoding.UTF8.GetBytes(SyncResourcesObject("target", "")));
        code.ShouldBe(201, text);
    }

    /// <summary>A valid PediaCluster; <paramref name="metadata"/> is extra JSON members for its metadata (",..." form).</summary>
    public static string PediaCluster(string name, string metadata) =>
        $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"{{{metadata}}}},"spec":{"apiserver":"https://127.0.0.1:1","syncResources":[{"group":"apps","resources":["deployments"]}]}}""";

    public static string SyncResourcesObject(string name, string metadata) =>
        $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"ClusterSyncResources","metadata":{"name":"{{{name}}}"{{{metadata}}}},"spec":{"syncResources":[{"group":"apps","resources":["deployments"]}]}}""";

    public async Task<(int Code, string Text)> SendAsync(HttpMethod method, string path, string contentType, byte[] body)
    {
        using var response = await SendForResponseAsync(method, path, contentType, body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The same request, answered with the whole response (headers included); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendForResponseAsync(HttpMethod method, string path, string contentType, byte[] body)
    {
        using var request = new HttpRequestMessage(method, new Uri(Server, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Http.SendAsync(request);
    }

    /// <summary>Asserts a Status with this code whose message mentions <paramref name="mention"/>; returns its root.</summary>
    public static JsonElement ShouldBeStatus(int code, string text, int expectedCode, string mention)
    {
        code.ShouldBe(expectedCode, text.Length > 2000 ? text[..2000] : text);
        var root = JsonDocument.Parse(text).RootElement;
        root.GetProperty("kind").GetString().ShouldBe("Status");
        root.GetProperty("code").GetInt32().ShouldBe(expectedCode);
        root.GetProperty("message").GetString()!.ShouldContain(mention, Case.Sensitive);
        return root;
    }

    /// <summary>The server still answers: a crash or a wedged request loop would show here.</summary>
    public async Task ShouldBeHealthyAsync()
    {
        using var response = await Http.GetAsync(new Uri(Server, PediaClusters + "/target"));
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Delete();
    }
}

/// <summary>
/// The hardening tests share one server and run alone (no other test collection in parallel), so that what they
/// measure of the process (allocations during an alias bomb) is theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HardeningCollection : ICollectionFixture<LimitsServer>
{
    public const string Name = "Hardening";
}
