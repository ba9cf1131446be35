using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>
/// An API-only process reading from a PostgreSQL hot standby (<c>Storage:ReadConnectionStrings</c>) and a synchro-only
/// process writing the primary: searches through the API process equal the member, a member change reaches a watch on
/// it within a second (NOTIFY from the primary, then a read the standby serves once it has replayed the change), and
/// with the standby killed searches still work, from the primary.
/// </summary>
[Collection(PostgresRolesCollection.Name)]
public sealed class ReadReplicaRolesPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/clusters/member/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _deployment = new("apps", "v1", "deployments");
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _dir = new("clusterpedia-replica-");
    private RoleHttp Http { get; } = new();
    private SimulatedCluster _member = null!;
    private PostgresStandby _standby = null!;
    private InProcessServer _api = null!;
    private InProcessServer _synchro = null!;
    private string _primaryDatabase = "";
    private string _standbyDatabase = "";

    public async Task InitializeAsync()
    {
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Namespaces = 2, Seed = 7 });
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("replica");
        string[] store =
        [
            "--Storage:Engine", "postgres", "--Storage:ConnectionString", server.ConnectionString(database),
            "--Storage:WatchPollInterval", "00:00:10", "--Storage:ListeningWatchPollInterval", "00:00:10",
            "--Synchro:StorePollInterval", "00:00:00.200",
        ];

        // The synchro first: it creates the schema, which the standby then replays.
        _synchro = await InProcessServer.StartAsync(_dir.Path, ["--api=false", .. store]);
        _standby = await server.StartStandbyAsync();
        _primaryDatabase = server.ConnectionString(database);
        _standbyDatabase = _standby.ConnectionString(database);
        _api = await InProcessServer.StartAsync(_dir.Path,
            ["--synchro=false", .. store, "--Storage:ReadConnectionStrings:0", _standby.ConnectionString(database), "--Storage:ReadReplicaRetryInterval", "00:00:01"]);
    }

    [Fact]
    public async Task ApiReplicaOnStandby_SearchWatchAndStandbyKilled_MatchesMemberAndKeepsServing()
    {
        await Eventually.UntilAsync(
            async () => (await Http.GetAsync(_api, "/metrics")).Body.Contains("clusterpedia_storage_listen_healthy 1", StringComparison.Ordinal),
            _timeout, "the API replica's LISTEN connection never came up (clusterpedia_storage_listen_healthy)");
        await Http.CreatePediaClusterAsync(_api, _member);
        await PediaClusterReadiness.WaitAsync(Http.Client, _api.Url, "member", _timeout);

        // Search through the API replica (read from the standby) equals the member.
        var expected = Keys((await Http.GetAsync(_member, "/apis/apps/v1/deployments")).Body);
        expected.Count.ShouldBeGreaterThan(0);
        var last = "";
        await Eventually.UntilAsync(
            async () => (last = (await Http.GetAsync(_api, _deployments)).Body) is var body && Keys(body).SequenceEqual(expected),
            _timeout, () => Task.FromResult($"the API replica's search never equalled the member: {(last.Length > 300 ? last[..300] : last)}"));
        (await MetricAsync("clusterpedia_storage_read_replica_reads")).ShouldBeGreaterThan(0, "the standby served no read");

        // A member change reaches a watch on the API replica within a second.
        var (ns, name) = expected[0];
        var listed = JsonNode.Parse((await Http.GetAsync(_api, _deployments)).Body)!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using (var cts = new CancellationTokenSource(_timeout))
        {
            using var response = await Http.Client.GetAsync(new Uri(_api.Url, $"{_deployments}?watch=true&resourceVersion={listed}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var written = Stopwatch.StartNew();
            _member.Store.Update(_deployment, ns, name, d =>
            {
                d["metadata"]!["labels"] ??= new JsonObject();
                d["metadata"]!["labels"]!["replica-test"] = "changed";
                return d;
            });
            TimeSpan? delay = null;
            JsonNode? e;
            try
            {
                e = await RoleHttp.NextEventAsync(reader,
                    e => e["object"]?["metadata"]?["name"]?.GetValue<string>() == name && e["object"]?["metadata"]?["labels"]?["replica-test"] is not null, cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Say what every part saw, so a CI log alone tells a change that never reached the store from a watch
                // that never delivered it.
                var (_, search) = await Http.GetAsync(_api, _deployments);
                var metrics = (await Http.GetAsync(_api, "/metrics")).Body.Split('\n')
                    .Where(l => !l.StartsWith('#') && l.Contains("clusterpedia_storage_", StringComparison.Ordinal));
                var synchroMetrics = (await Http.GetAsync(_synchro, "/metrics")).Body.Split('\n')
                    .Where(l => !l.StartsWith('#') && l.StartsWith("clusterpedia_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal));
                throw new ShouldAssertException(
                    $"no watch event for {ns}/{name} within {_timeout.TotalSeconds:N0} s (watch from {listed}); a search through the API replica now " +
                    $"{(search.Contains("\"replica-test\"", StringComparison.Ordinal) ? "shows" : "does not show")} the change; " +
                    $"primary: {await StoredChangeAsync(_primaryDatabase, ns, name)}; standby: {await StoredChangeAsync(_standbyDatabase, ns, name)}; " +
                    $"API storage metrics: {string.Join(" | ", metrics)}; synchro metrics: {string.Join(" | ", synchroMetrics)}");
            }

            if (e is not null)
            {
                e["type"]!.GetValue<string>().ShouldBe("MODIFIED");
                delay = written.Elapsed;
            }

            output.WriteLine($"member write to watch event on the API replica reading the standby: {delay?.TotalMilliseconds:F0} ms; " +
                $"primary: {await StoredChangeAsync(_primaryDatabase, ns, name)}; standby: {await StoredChangeAsync(_standbyDatabase, ns, name)}");
            delay.ShouldNotBeNull("the watch ended before the change arrived");
            delay.Value.ShouldBeLessThan(_bound);
        }

        // The standby killed: searches still work, from the primary, and see new changes.
        await _standby.StopAsync();
        _member.Store.Update(_deployment, ns, name, d =>
        {
            d["metadata"]!["labels"]!["replica-test"] = "after-standby";
            return d;
        });
        await Eventually.UntilAsync(
            async () =>
            {
                var (code, body) = await Http.GetAsync(_api, _deployments);
                code.ShouldBe(HttpStatusCode.OK, body);
                return JsonNode.Parse(body)!["items"]!.AsArray().Any(i => i?["metadata"]?["labels"]?["replica-test"]?.GetValue<string>() == "after-standby");
            },
            _timeout, "searches did not see the change after the standby was killed");
        Keys((await Http.GetAsync(_api, _deployments)).Body).ShouldBe(expected);
        (await MetricAsync("clusterpedia_storage_read_replica_fallbacks")).ShouldBeGreaterThan(0);
        (await MetricAsync("clusterpedia_storage_read_replicas_in_use")).ShouldBe(0);
    }

    public async Task DisposeAsync()
    {
        await _synchro.DisposeAsync();
        await _api.DisposeAsync();
        await _standby.DisposeAsync();
        await _member.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        Http.Dispose();
        _dir.Delete();
    }

    private static List<(string Namespace, string Name)> Keys(string list) =>
        [.. (JsonNode.Parse(list)?["items"]?.AsArray() ?? [])
            .Select(i => (i!["metadata"]!["namespace"]!.GetValue<string>(), i["metadata"]!["name"]!.GetValue<string>()))
            .Order()];

    // Whether a database holds the labelled deployment, at which revision, and the store's revision there.
    private static async Task<string> StoredChangeAsync(string connectionString, string ns, string name)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT (SELECT value FROM storage_revision WHERE id = 1), (SELECT revision FROM resources WHERE cluster = 'member' AND resource = 'deployments' " +
                "AND namespace = @ns AND name = @name AND labels ? 'replica-test')", connection);
            command.Parameters.AddWithValue("ns", ns);
            command.Parameters.AddWithValue("name", name);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return $"store revision {reader.GetValue(0)}, changed row at revision {(reader.IsDBNull(1) ? "none" : reader.GetValue(1))}";
        }
        catch (NpgsqlException e)
        {
            return "unreadable: " + e.Message;
        }
    }

    private async Task<double> MetricAsync(string name)
    {
        var body = (await Http.GetAsync(_api, "/metrics")).Body;
        // Counters carry the _total suffix in the Prometheus text format; labels, if any, come in braces.
        var line = body.Split('\n').FirstOrDefault(l => !l.StartsWith('#') && (l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "_total", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal)))
            ?? throw new InvalidOperationException($"metric {name} is not on /metrics: {string.Join(" | ", body.Split('\n').Where(l => l.Contains("storage", StringComparison.Ordinal)))}");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
