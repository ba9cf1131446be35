using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Clusterpedia.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Clusterpedia.ApiServer.Tests.Roles.Sharding;

/// <summary>
/// Synchro replicas sharing the PediaClusters of one PostgreSQL database through leases (docs/scale-out.md): real
/// servers (one API-only, the synchros <c>--api=false</c>) and real simulated members over HTTPS. Each cluster runs in
/// exactly one replica; a killed replica's clusters move to the survivor within the lease bound and the store ends
/// equal to the members; shardingName pins clusters; a replica whose lease was taken has its writes refused.
/// </summary>
[Collection(PostgresRolesCollection.Name)]
public sealed class SynchroShardingPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private const string _allDeployments = "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir = new("clusterpedia-sharding-");
    private HttpClient Http { get; } = new();
    private readonly List<SimulatedCluster> _members = [];
    private readonly List<ShardedReplica> _replicas = [];
    private string[] _store = [];
    private PostgresServer _postgres = null!;
    private string _database = "";
    private InProcessServer _api = null!;

    public async Task InitializeAsync()
    {
        for (var i = 1; i <= 3; i++)
        {
            _members.Add(await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = $"member-{i}", Token = $"token-{i}", Namespaces = 2, Seed = i }));
        }

        _postgres = await PostgresServer.SharedAsync();
        _database = await _postgres.CreateDatabaseAsync("sharding");
        _store = ["--Storage:Engine", "postgres", "--Storage:ConnectionString", _postgres.ConnectionString(_database), "--Synchro:StorePollInterval", "00:00:00.200"];
        _api = await InProcessServer.StartAsync(_dir.Path, ["--synchro=false", .. _store]);
    }

    [Fact]
    public async Task Sharding_TwoReplicasThreeMembersThenOneKilled_EachClusterOnceAndTakenOverWithinBound()
    {
        var duration = TimeSpan.FromSeconds(3);
        var one = await StartReplicaAsync("synchro-1", duration);
        var two = await StartReplicaAsync("synchro-2", duration);
        for (var i = 1; i <= 3; i++)
        {
            await CreatePediaClusterAsync(i, shardingName: null);
        }

        // Exactly once: sampled all along, the replicas never run the same cluster; balanced: 2 and 1.
        using var watching = new CancellationTokenSource();
        var overlaps = WatchOverlapsAsync(watching.Token);
        await Eventually.UntilAsync(
            () => Task.FromResult(Assignment() is { } a && a.Union.SetEquals(["member-1", "member-2", "member-3"]) && one.Running.Count >= 1 && two.Running.Count >= 1),
            _timeout, () => Task.FromResult($"the clusters were never shared out: synchro-1 runs [{string.Join(", ", one.Running)}], synchro-2 runs [{string.Join(", ", two.Running)}]"));
        for (var i = 1; i <= 3; i++)
        {
            await PediaClusterReadiness.WaitAsync(Http, _api.Url, $"member-{i}", _timeout);
        }

        var leases = await _replicas[0].Server.Services.GetRequiredService<ISynchroLeaseStore>().ListAsync(CancellationToken.None);
        foreach (var cluster in new[] { "member-1", "member-2", "member-3" })
        {
            var lease = leases.Single(l => l.Cluster == cluster);
            lease.Expired.ShouldBeFalse();
            (lease.Holder == "synchro-1" ? one : two).Running.ShouldContain(cluster, $"the lease of {cluster} names {lease.Holder}, which does not run it");
        }

        // Kill the replica with two clusters (no release: as a crash, its leases run out) and change those members
        // meanwhile: the survivor takes them within duration + duration/3 and catches up.
        var (victim, survivor) = one.Running.Count == 2 ? (one, two) : (two, one);
        var moved = victim.Running.ToList();
        var stopwatch = Stopwatch.StartNew();
        await victim.DisposeAsync();
        foreach (var cluster in moved)
        {
            var member = _members[int.Parse(cluster["member-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1];
            member.Store.Create(_deployments, "default", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"added-while-down"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
            var existing = member.Store.List(_deployments)[0];
            member.Store.Delete(_deployments, existing["metadata"]!["namespace"]!.GetValue<string>(), existing["metadata"]!["name"]!.GetValue<string>());
        }

        await Eventually.UntilAsync(
            () => Task.FromResult(survivor.Running.Count == 3),
            _timeout, () => Task.FromResult($"the survivor runs [{string.Join(", ", survivor.Running)}] only"), TimeSpan.FromMilliseconds(20));
        var takeover = stopwatch.Elapsed;
        output.WriteLine($"takeover of [{string.Join(", ", moved)}] after the kill: {takeover.TotalMilliseconds:F0} ms (lease duration {duration.TotalSeconds} s)");
        takeover.ShouldBeLessThan(duration + duration / 3 + TimeSpan.FromSeconds(1), "the takeover bound is duration + duration/3 (one renewal interval)");

        await Eventually.UntilAsync(
            async () => (await StoredDeploymentsAsync()).SetEquals(MemberDeployments()),
            _timeout, async () => $"stored {(await StoredDeploymentsAsync()).Count} deployments, members have {MemberDeployments().Count}: missing [{string.Join(", ", MemberDeployments().Except(await StoredDeploymentsAsync()).Take(5))}], extra [{string.Join(", ", (await StoredDeploymentsAsync()).Except(MemberDeployments()).Take(5))}]");
        await watching.CancelAsync();
        (await overlaps).ShouldBeEmpty("a cluster ran in two replicas at once");
    }

    [Fact]
    public async Task ShardingName_ClustersPinnedToTheirShard_AndAStaleHolderIsFenced()
    {
        // A long lease: renewals (every 20 s) cannot explain what happens within the test's bounds.
        var duration = TimeSpan.FromSeconds(60);
        var plain = await StartReplicaAsync("plain-1", duration);
        var blue = await StartReplicaAsync("blue-1", duration, "blue");
        await CreatePediaClusterAsync(1, shardingName: null);
        await CreatePediaClusterAsync(2, shardingName: "blue");
        await CreatePediaClusterAsync(3, shardingName: "green");

        await PediaClusterReadiness.WaitAsync(Http, _api.Url, "member-1", _timeout);
        await PediaClusterReadiness.WaitAsync(Http, _api.Url, "member-2", _timeout);
        plain.Running.ShouldBe(["member-1"]);
        blue.Running.ShouldBe(["member-2"]);
        var leases = plain.Server.Services.GetRequiredService<ISynchroLeaseStore>();
        var stored = await leases.ListAsync(CancellationToken.None);
        stored.Select(l => (l.Cluster, l.Holder)).ShouldBe([("member-1", "plain-1"), ("member-2", "blue-1")], "member-3's shard (green) has no replica: nobody may take it");

        // Another holder takes member-1 behind plain-1's back (as after a pause longer than the lease): plain-1's next
        // write is refused by the fence and it stops the cluster; the change it tried to write is not stored.
        var generation = stored.Single(l => l.Cluster == "member-1").Generation;
        await leases.SetAsync("member-1", "intruder", generation + 1, duration, CancellationToken.None);
        _members[0].Store.Create(_deployments, "default", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"after-the-fence"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        await Eventually.UntilAsync(() => Task.FromResult(plain.Running.Count == 0), TimeSpan.FromSeconds(10),
            () => Task.FromResult($"plain-1 still runs [{string.Join(", ", plain.Running)}] after its lease was taken"), TimeSpan.FromMilliseconds(20));
        (await StoredDeploymentsAsync()).Select(d => d.Name).ShouldNotContain("after-the-fence");
        blue.Running.ShouldBe(["member-2"]);
    }

    [Fact]
    public async Task Sharding_ReplicaCannotRenew_StopsItsClustersBeforeTheLeaseExpires()
    {
        // The replica connects as its own role; taking its write rights on the lease tables away makes every renewal
        // fail while the rest of the database (and the other processes) keep working.
        var role = "renew_" + Guid.NewGuid().ToString("N")[..8];
        await AsPostgresAsync($"""CREATE ROLE "{role}" LOGIN; GRANT USAGE, CREATE ON SCHEMA public TO "{role}"; GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}";""");
        var duration = TimeSpan.FromSeconds(10);
        var connection = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString(_database)) { Username = role }.ConnectionString;
        var replica = await StartReplicaAsync("cut-off", duration, storeOverride: ["--Storage:ConnectionString", connection]);
        await CreatePediaClusterAsync(1, shardingName: null);
        await Eventually.UntilAsync(() => Task.FromResult(replica.Running.Count == 1), _timeout, "the replica never took member-1");

        await AsPostgresAsync($"""REVOKE INSERT, UPDATE ON synchro_leases, synchro_replicas FROM "{role}";""");
        var stopwatch = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => Task.FromResult(replica.Running.Count == 0), TimeSpan.FromSeconds(30),
            () => Task.FromResult($"the replica still runs [{string.Join(", ", replica.Running)}] {stopwatch.ElapsedMilliseconds} ms after it lost the right to renew"), TimeSpan.FromMilliseconds(20));
        var stoppedAfter = stopwatch.Elapsed;

        // Stopped while its lease, by the database clock, was still its own and unexpired: never two writers.
        var lease = (await _api.Services.GetRequiredService<ISynchroLeaseStore>().ListAsync(CancellationToken.None)).Single(l => l.Cluster == "member-1");
        output.WriteLine($"stopped {stoppedAfter.TotalMilliseconds:F0} ms after renewals began to fail (lease duration {duration.TotalSeconds} s)");
        lease.Holder.ShouldBe("cut-off");
        lease.Expired.ShouldBeFalse("the replica stopped only after its lease had expired");
        stoppedAfter.ShouldBeLessThan(duration);
    }

    [Fact]
    public async Task Sharding_RenewalHangs_StopsItsClustersBeforeTheLeaseExpires()
    {
        // Another session locks member-1's lease row, so the replica's renewal waits in the database without an answer
        // (as behind a long transaction or a lost connection): a hung renewal must not keep the replica trusting it.
        // The replica trusts its lease for 4/5 of the duration after a renewal began, and the lease expires a duration
        // after the renewal reached the database: 10 s leaves the check below 2 s between the stop and the expiry. At 6 s
        // (1.2 s) a full CI run on 2 cores once saw the stop late enough for the lease to have expired by the check.
        var duration = TimeSpan.FromSeconds(10);
        var replica = await StartReplicaAsync("hung", duration);
        await CreatePediaClusterAsync(1, shardingName: null);
        await Eventually.UntilAsync(() => Task.FromResult(replica.Running.Count == 1), _timeout, "the replica never took member-1");

        await using var locker = new NpgsqlConnection(_postgres.ConnectionString(_database));
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockRow = locker.CreateCommand())
        {
            lockRow.Transaction = transaction;
            lockRow.CommandText = "SELECT generation FROM synchro_leases WHERE cluster = 'member-1' FOR UPDATE";
            (await lockRow.ExecuteScalarAsync()).ShouldNotBeNull("member-1 has no stored lease");
        }

        var stopwatch = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => Task.FromResult(replica.Running.Count == 0), TimeSpan.FromSeconds(30),
            () => Task.FromResult($"the replica still runs [{string.Join(", ", replica.Running)}] {stopwatch.ElapsedMilliseconds} ms after its lease row was locked"), TimeSpan.FromMilliseconds(20));
        var stoppedAfter = stopwatch.Elapsed;
        output.WriteLine($"stopped {stoppedAfter.TotalMilliseconds:F0} ms after the lease row was locked (lease duration {duration.TotalSeconds} s)");

        // By the database clock the lease was still the replica's and unexpired when it stopped: never two writers.
        await using (var expired = locker.CreateCommand())
        {
            expired.Transaction = transaction;
            expired.CommandText = "SELECT holder, expires_at < clock_timestamp() FROM synchro_leases WHERE cluster = 'member-1'";
            await using var reader = await expired.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetString(0).ShouldBe("hung");
            reader.GetBoolean(1).ShouldBeFalse("the replica stopped only after its lease had expired");
        }

        stoppedAfter.ShouldBeLessThan(duration);
        await transaction.RollbackAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _api.DisposeAsync();
        foreach (var member in _members)
        {
            await member.DisposeAsync();
        }

        Http.Dispose();
        _dir.Delete();
    }

    private async Task AsPostgresAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString(_database));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<ShardedReplica> StartReplicaAsync(string identity, TimeSpan duration, string? shardingName = null, string[]? storeOverride = null)
    {
        string[] sharding =
        [
            "--Synchro:Sharding:Enabled", "true", "--Synchro:Sharding:Identity", identity,
            "--Synchro:Sharding:LeaseDuration", duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            "--Synchro:Sharding:ReleaseOnStop", "false",
        ];
        var server = await InProcessServer.StartAsync(_dir.Path, ["--api=false", .. _store, .. storeOverride ?? [], .. sharding, .. shardingName is null ? Array.Empty<string>() : ["--sharding-name", shardingName]]);
        var replica = new ShardedReplica(identity, server);
        _replicas.Add(replica);
        return replica;
    }

    private async Task CreatePediaClusterAsync(int index, string? shardingName)
    {
        var member = _members[index - 1];
        var sharding = shardingName is null ? "" : $",\"shardingName\":\"{shardingName}\"";
        using var content = new StringContent($$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"member-{{{index}}}"},
             "spec":{"apiserver":"{{{member.Url.ToString().TrimEnd('/')}}}","tokenData":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(member.Token!))}}}",
                     "syncResources":[{"group":"apps","resources":["deployments"]}]{{{sharding}}}}}
            """, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(_api.Url, _pediaClusters), content);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private (HashSet<string> Union, bool Disjoint)? Assignment()
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        var disjoint = true;
        foreach (var replica in _replicas.Where(r => !r.Stopped))
        {
            foreach (var cluster in replica.Running)
            {
                disjoint &= union.Add(cluster);
            }
        }

        return (union, disjoint);
    }

    private async Task<List<string>> WatchOverlapsAsync(CancellationToken ct)
    {
        var overlaps = new List<string>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (Assignment() is { Disjoint: false } a)
                {
                    overlaps.Add(string.Join("; ", _replicas.Select(r => $"{r.Identity}: [{string.Join(", ", r.Running)}]")));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return overlaps;
    }

    private HashSet<(string Name, string Uid, string ResourceVersion)> MemberDeployments() =>
        [.. _members.SelectMany(m => m.Store.List(_deployments)).Select(o => (
            o["metadata"]!["name"]!.GetValue<string>(), o["metadata"]!["uid"]!.GetValue<string>(), o["metadata"]!["resourceVersion"]!.GetValue<string>()))];

    /// <summary>Every stored deployment of every cluster, searched through the API-only server; a duplicate fails.</summary>
    private async Task<HashSet<(string Name, string Uid, string ResourceVersion)>> StoredDeploymentsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_api.Url, _allDeployments));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata")).Select(m => (
            m.GetProperty("name").GetString()!, m.GetProperty("uid").GetString()!, m.GetProperty("resourceVersion").GetString()!)).ToList();
        var set = items.ToHashSet();
        set.Count.ShouldBe(items.Count, "a deployment is stored twice");
        return set;
    }
}
