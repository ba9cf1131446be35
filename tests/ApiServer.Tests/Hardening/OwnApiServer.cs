using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// The real server on a loopback port with SQLite in a temporary directory and no member clusters: enough for our own
/// API. Tombstones are kept for 2 seconds, so a test can make a resourceVersion older than the kept history.
/// </summary>
public sealed class OwnApiServer : IAsyncLifetime
{
    public const string PediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    public const string SyncResources = "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources";

    private readonly TempDirectory _dir = new("clusterpedia-own-");
    private InProcessServer? _server;

    public Uri Server { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(_dir.Path, "--Storage:TombstoneRetention", "00:00:02");
        Server = _server.Url;
    }

    public async Task<(int Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(Server, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task CreateSyncResourcesAsync(string name)
    {
        var (code, body) = await SendAsync(HttpMethod.Post, SyncResources,
            $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"ClusterSyncResources","metadata":{"name":"{{{name}}}"},"spec":{"syncResources":[{"group":"apps","resources":["deployments"]}]}}""");
        code.ShouldBe(201, body?.ToJsonString());
    }

    public async Task DeleteAsync(string path)
    {
        var (code, body) = await SendAsync(HttpMethod.Delete, path);
        code.ShouldBe(200, body?.ToJsonString());
    }

    public async Task<string> ListResourceVersionAsync(string path)
    {
        var (code, body) = await SendAsync(HttpMethod.Get, path);
        code.ShouldBe(200, body?.ToJsonString());
        return body!["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    /// <summary>
    /// Watch events read as they come until <paramref name="until"/> holds for one of them or the stream ends; fails
    /// after <paramref name="timeout"/>. <paramref name="onEvent"/>, when given, runs on each event before the next is
    /// read, so a test can act on what the watch has shown.
    /// </summary>
    public async Task<List<JsonNode>> WatchAsync(string pathAndQuery, Func<JsonNode, bool> until, TimeSpan timeout, Func<JsonNode, Task>? onEvent = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var response = await Http.GetAsync(new Uri(Server, pathAndQuery), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        ((int)response.StatusCode).ShouldBe(200, await ErrorTextAsync(response));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<JsonNode>();
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var e = JsonNode.Parse(line)!;
                events.Add(e);
                if (onEvent is not null)
                {
                    await onEvent(e);
                }

                if (until(e))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the watch {pathAndQuery} did not show the expected event within {timeout}; it sent: {string.Join("\n", events.Select(e => e.ToJsonString()))}");
        }

        return events;
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();

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
