using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Clusterpedia.TestSupport.Postgres;
using Xunit.Abstractions;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>
/// Two server processes on one PostgreSQL database: an API replica (<c>--synchro=false</c>) and a synchro
/// (<c>--api=false</c>). The synchro's commits reach a watch opened on the API replica through PostgreSQL NOTIFY on the
/// replica's LISTEN connection, with its fallback poll set to 10 s: an event within a second can only be the notification.
/// </summary>
[Collection(PostgresRolesCollection.Name)]
public sealed class WatchAcrossReplicasPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/clusters/member/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _deployment = new("apps", "v1", "deployments");
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _dir = new("clusterpedia-notify-");
    private HttpClient Http { get; } = new();
    private SimulatedCluster _member = null!;
    private InProcessServer _api = null!;
    private InProcessServer _synchro = null!;

    public async Task InitializeAsync()
    {
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Namespaces = 2, Seed = 5 });
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("notify");
        string[] store =
        [
            "--Storage:Engine", "postgres", "--Storage:ConnectionString", server.ConnectionString(database),
            "--Storage:WatchPollInterval", "00:00:10", "--Storage:ListeningWatchPollInterval", "00:00:10",
            "--Synchro:StorePollInterval", "00:00:00.200",
        ];
        _api = await InProcessServer.StartAsync(_dir.Path, ["--synchro=false", .. store]);
        _synchro = await InProcessServer.StartAsync(_dir.Path, ["--api=false", .. store]);
    }

    [Fact]
    public async Task Watch_MemberChangeSyncedByOtherProcess_ArrivesWithinOneSecondThroughNotify()
    {
        await Eventually.UntilAsync(
            async () => (await GetAsync(_api, "/metrics")).Body.Contains("clusterpedia_storage_listen_healthy 1", StringComparison.Ordinal),
            _timeout, "the API replica's LISTEN connection never came up (clusterpedia_storage_listen_healthy)");
        var created = await SendAsync(_api, HttpMethod.Post, _pediaClusters, $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"member"},
             "spec":{"apiserver":"{{{_member.Url.ToString().TrimEnd('/')}}}","tokenData":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.Token!))}}}",
                     "syncResources":[{"group":"apps","resources":["deployments"]}]}}
            """);
        created.Code.ShouldBe(HttpStatusCode.Created, created.Body);
        await PediaClusterReadiness.WaitAsync(Http, _api.Url, "member", _timeout);

        var target = (JsonNode.Parse((await GetAsync(_member, "/apis/apps/v1/deployments")).Body)!["items"]!.AsArray()[0]!["metadata"])!;
        var (ns, name) = (target["namespace"]!.GetValue<string>(), target["name"]!.GetValue<string>());
        var last = "";
        await Eventually.UntilAsync(
            async () =>
            {
                last = (await GetAsync(_api, _deployments)).Body;
                return JsonNode.Parse(last)?["items"]?.AsArray().Any(i => i?["metadata"]?["name"]?.GetValue<string>() == name) == true;
            },
            _timeout, () => Task.FromResult($"deployment {ns}/{name} never reached the API replica's searches: {(last.Length > 300 ? last[..300] : last)}"));
        var listed = JsonNode.Parse((await GetAsync(_api, _deployments)).Body)!["metadata"]!["resourceVersion"]!.GetValue<string>();

        using var cts = new CancellationTokenSource(_timeout);
        using var response = await Http.GetAsync(new Uri(_api.Url, $"{_deployments}?watch=true&resourceVersion={listed}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var delays = new List<TimeSpan>();
        for (var round = 1; round <= 3; round++)
        {
            var mark = "round-" + round;
            var written = Stopwatch.StartNew();
            _member.Store.Update(_deployment, ns, name, d =>
            {
                d["metadata"]!["labels"] ??= new JsonObject();
                d["metadata"]!["labels"]!["notify-test"] = mark;
                return d;
            });
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                var e = JsonNode.Parse(line)!;
                if (e["object"]?["metadata"]?["name"]?.GetValue<string>() == name && e["object"]?["metadata"]?["labels"]?["notify-test"]?.GetValue<string>() == mark)
                {
                    e["type"]!.GetValue<string>().ShouldBe("MODIFIED");
                    delays.Add(written.Elapsed);
                    break;
                }
            }
        }

        output.WriteLine($"member write to watch event on the API replica: {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:F0} ms"))}");
        delays.Count.ShouldBe(3, "the watch ended before every change arrived");
        delays.ShouldAllBe(d => d < _bound, $"member write to watch event on the other process: {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:F0} ms"))} (poll 10 s)");
    }

    public async Task DisposeAsync()
    {
        await _synchro.DisposeAsync();
        await _api.DisposeAsync();
        await _member.DisposeAsync();
        Http.Dispose();
        _dir.Delete();
    }

    private async Task<(HttpStatusCode Code, string Body)> GetAsync(InProcessServer server, string path) => await SendAsync(server, HttpMethod.Get, path);

    private async Task<(HttpStatusCode Code, string Body)> GetAsync(SimulatedCluster member, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(member.Url, path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", member.Token);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Code, string Body)> SendAsync(InProcessServer server, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.Url, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
