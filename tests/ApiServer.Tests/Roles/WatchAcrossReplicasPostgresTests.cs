using System.Diagnostics;
using System.Net;
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
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/clusters/member/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _deployment = new("apps", "v1", "deployments");
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _dir = new("clusterpedia-notify-");
    private RoleHttp Http { get; } = new();
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
            async () => (await Http.GetAsync(_api, "/metrics")).Body.Contains("clusterpedia_storage_listen_healthy 1", StringComparison.Ordinal),
            _timeout, "the API replica's LISTEN connection never came up (clusterpedia_storage_listen_healthy)");
        await Http.CreatePediaClusterAsync(_api, _member);
        await PediaClusterReadiness.WaitAsync(Http.Client, _api.Url, "member", _timeout);

        var target = (JsonNode.Parse((await Http.GetAsync(_member, "/apis/apps/v1/deployments")).Body)!["items"]!.AsArray()[0]!["metadata"])!;
        var (ns, name) = (target["namespace"]!.GetValue<string>(), target["name"]!.GetValue<string>());
        var last = "";
        await Eventually.UntilAsync(
            async () =>
            {
                last = (await Http.GetAsync(_api, _deployments)).Body;
                return JsonNode.Parse(last)?["items"]?.AsArray().Any(i => i?["metadata"]?["name"]?.GetValue<string>() == name) == true;
            },
            _timeout, () => Task.FromResult($"deployment {ns}/{name} never reached the API replica's searches: {(last.Length > 300 ? last[..300] : last)}"));
        var listed = JsonNode.Parse((await Http.GetAsync(_api, _deployments)).Body)!["metadata"]!["resourceVersion"]!.GetValue<string>();

        using var cts = new CancellationTokenSource(_timeout);
        using var response = await Http.Client.GetAsync(new Uri(_api.Url, $"{_deployments}?watch=true&resourceVersion={listed}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
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
            var e = await RoleHttp.NextEventAsync(reader,
                e => e["object"]?["metadata"]?["name"]?.GetValue<string>() == name && e["object"]?["metadata"]?["labels"]?["notify-test"]?.GetValue<string>() == mark, cts.Token);
            if (e is not null)
            {
                e["type"]!.GetValue<string>().ShouldBe("MODIFIED");
                delays.Add(written.Elapsed);
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
}
