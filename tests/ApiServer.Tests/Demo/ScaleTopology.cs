using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Clusterpedia.ApiServer.Tests.Security;

namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// HTTPS to the processes hack/scale-up.sh started, exactly as its kubeconfig describes them (each cluster's server
/// and CA, the admin user's token), for what kubectl cannot do precisely: time a watch event against the write that
/// caused it, patch a member at a known instant, read /metrics.
/// </summary>
internal sealed class ScaleTopology : IDisposable
{
    private readonly Dictionary<string, string> _servers;
    private readonly string _token;
    private readonly HttpClient _http;

    private ScaleTopology(Dictionary<string, string> servers, string token, HttpClient http)
    {
        _servers = servers;
        _token = token;
        _http = http;
    }

    /// <summary>Reads the kubeconfig <paramref name="kubectl"/> uses (<c>kubectl config view --raw</c>).</summary>
    public static async Task<ScaleTopology> LoadAsync(Kubectl kubectl)
    {
        using var config = JsonDocument.Parse(await kubectl.OkAsync("config", "view", "--raw", "-o", "json"));
        var servers = new Dictionary<string, string>(StringComparer.Ordinal);
        var authorities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in config.RootElement.GetProperty("clusters").EnumerateArray())
        {
            var cluster = entry.GetProperty("cluster");
            servers[entry.GetProperty("name").GetString()!] = cluster.GetProperty("server").GetString()!.TrimEnd('/');
            authorities.Add(Encoding.UTF8.GetString(Convert.FromBase64String(cluster.GetProperty("certificate-authority-data").GetString()!)));
        }

        var token = config.RootElement.GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("name").GetString() == "admin").GetProperty("user").GetProperty("token").GetString()!;
        return new ScaleTopology(servers, token, TrustingHttp.Create(string.Join('\n', authorities)));
    }

    public async Task<(HttpStatusCode Code, string Body)> GetAsync(string cluster, string path)
    {
        using var request = Request(HttpMethod.Get, cluster, path);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sets label <paramref name="label"/> of a deployment in a member with a JSON merge patch.</summary>
    public async Task LabelDeploymentAsync(string member, string ns, string name, string label, string value)
    {
        using var request = Request(HttpMethod.Patch, member, $"/apis/apps/v1/namespaces/{ns}/deployments/{name}");
        request.Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["labels"] = new Dictionary<string, string> { [label] = value } },
        }), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await _http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"PATCH {name} in {member}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Opens a watch; the response (headers read, body streaming) belongs to the caller.</summary>
    public async Task<HttpResponseMessage> WatchAsync(string cluster, string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, cluster, path);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"watch {path} on {cluster}: {response.StatusCode} {body}");
        }

        return response;
    }

    /// <summary>The sum of a metric's samples on a process's /metrics (Prometheus text; counters end in _total).</summary>
    public async Task<double> MetricAsync(string cluster, string name)
    {
        var (code, body) = await GetAsync(cluster, "/metrics");
        code.ShouldBe(HttpStatusCode.OK, body);
        var samples = body.Split('\n')
            .Where(l => !l.StartsWith('#') && (l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + "_total", StringComparison.Ordinal)))
            .ToList();
        samples.ShouldNotBeEmpty($"metric {name} is not on {cluster}'s /metrics");
        return samples.Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string cluster, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_servers[cluster] + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return request;
    }
}
