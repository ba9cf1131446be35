using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Clusterpedia.ApiServer.Tests.Roles.Sharding;

/// <summary>
/// Sharding in hosted mode: two synchro replicas (real servers with <c>--host-kubeconfig</c>, one shared SQLite
/// store) hold the clusters through <c>coordination.k8s.io/v1</c> Lease objects in a simulated host, read with real
/// kubectl; the database's fence row follows each Lease's leaseTransitions, and a killed replica's cluster is taken
/// over through its Lease.
/// </summary>
public sealed class HostedShardingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan _duration = TimeSpan.FromSeconds(3);
    private readonly TempDirectory _dir = new("clusterpedia-hosted-sharding-");
    private readonly List<SimulatedCluster> _members = [];
    private readonly List<ShardedReplica> _replicas = [];
    private SimulatedCluster _host = null!;
    private Kubectl Kubectl { get; set; } = null!;

    private string HostKubeconfig => _dir.File("host.kubeconfig");

    public async Task InitializeAsync()
    {
        _host = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "host", Token = "token-host", Tls = true, Namespaces = 0, DeploymentsPerNamespace = 0, Nodes = 1 });
        for (var i = 1; i <= 2; i++)
        {
            _members.Add(await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = $"member-{i}", Token = $"token-{i}", Namespaces = 1, Seed = i }));
        }

        await File.WriteAllTextAsync(HostKubeconfig, _host.CreateKubeconfig("host"));
        Kubectl = new Kubectl("kubectl", HostKubeconfig);
        await Kubectl.OkAsync("apply", "-f", Path.Combine(RepositoryRoot(), "crds"));
        await Kubectl.OkAsync("create", "namespace", "clusterpedia-system");
    }

    [Fact]
    public async Task HostedSharding_TwoReplicas_LeaseObjectsInHostFenceInDatabaseAndTakeover()
    {
        var one = await StartReplicaAsync("hosted-1");
        var two = await StartReplicaAsync("hosted-2");
        for (var i = 1; i <= 2; i++)
        {
            var member = _members[i - 1];
            var manifest = _dir.File($"member-{i}.yaml");
            await File.WriteAllTextAsync(manifest, $"""
                apiVersion: cluster.clusterpedia.io/v1alpha2
                kind: PediaCluster
                metadata:
                  name: member-{i}
                spec:
                  apiserver: "{member.Url.ToString().TrimEnd('/')}"
                  tokenData: "{Convert.ToBase64String(Encoding.UTF8.GetBytes(member.Token!))}"
                  syncResources:
                  - group: apps
                    resources: [deployments]
                """);
            await Kubectl.OkAsync("apply", "-f", manifest);
        }

        // One cluster each (fair share), each named by its Lease in the host; the database's fence row agrees.
        await Eventually.UntilAsync(
            () => Task.FromResult(one.Running.Count == 1 && two.Running.Count == 1 && one.Running[0] != two.Running[0]),
            _timeout, () => Task.FromResult($"hosted-1 runs [{string.Join(", ", one.Running)}], hosted-2 runs [{string.Join(", ", two.Running)}]"));
        foreach (var replica in new[] { one, two })
        {
            var cluster = replica.Running[0];
            var lease = await LeaseAsync(cluster);
            lease.Holder.ShouldBe(replica.Identity);
            (await FenceAsync(cluster)).ShouldBe((replica.Identity, lease.Transitions));
        }

        // Killed without releasing: the survivor takes the Lease when it expires, with one more transition, and the
        // fence follows.
        var moved = one.Running[0];
        var before = await LeaseAsync(moved);
        var stopwatch = Stopwatch.StartNew();
        await one.DisposeAsync();
        await Eventually.UntilAsync(() => Task.FromResult(two.Running.Count == 2), _timeout,
            () => Task.FromResult($"hosted-2 runs [{string.Join(", ", two.Running)}] only"), TimeSpan.FromMilliseconds(20));
        output.WriteLine($"hosted takeover of {moved}: {stopwatch.ElapsedMilliseconds} ms (lease duration {_duration.TotalSeconds} s)");
        // Expiry is judged from when the survivor first saw the last renewal (up to one tick late), then taken on a tick.
        stopwatch.Elapsed.ShouldBeLessThan(_duration + 2 * (_duration / 3) + TimeSpan.FromSeconds(1), "the hosted takeover bound is duration + 2 × duration/3");
        var after = await LeaseAsync(moved);
        after.ShouldBe(("hosted-2", before.Transitions + 1));
        (await FenceAsync(moved)).ShouldBe(("hosted-2", after.Transitions));
        await PediaClusterReadinessInHostAsync(moved);
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        foreach (var member in _members)
        {
            await member.DisposeAsync();
        }

        await _host.DisposeAsync();
        Kubectl?.Dispose();
        _dir.Delete();
    }

    private async Task<ShardedReplica> StartReplicaAsync(string identity)
    {
        var server = await InProcessServer.StartAsync(_dir.Path,
            "--api=false", "--host-kubeconfig", HostKubeconfig, "--Synchro:ResyncInterval", "00:00:01",
            "--Synchro:Sharding:Enabled", "true", "--Synchro:Sharding:Identity", identity,
            "--Synchro:Sharding:LeaseDuration", "00:00:03", "--Synchro:Sharding:ReleaseOnStop", "false");
        var replica = new ShardedReplica(identity, server);
        _replicas.Add(replica);
        return replica;
    }

    private async Task<(string Holder, long Transitions)> LeaseAsync(string cluster)
    {
        var run = await Kubectl.RunAsync("get", "lease", "clusterpedia-synchro-" + cluster, "-n", "clusterpedia-system", "-o", "json");
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var spec = doc.RootElement.GetProperty("spec");
        return (spec.GetProperty("holderIdentity").GetString()!, spec.TryGetProperty("leaseTransitions", out var t) ? t.GetInt64() : 0);
    }

    private async Task<(string Holder, long Generation)> FenceAsync(string cluster)
    {
        var replica = _replicas.First(r => !r.Stopped);
        var row = (await replica.Server.Services.GetRequiredService<ISynchroLeaseStore>().ListAsync(CancellationToken.None)).Single(l => l.Cluster == cluster);
        return (row.Holder, row.Generation);
    }

    private Task PediaClusterReadinessInHostAsync(string cluster) =>
        Eventually.UntilAsync(
            async () => (await Kubectl.RunAsync("get", "pediacluster", cluster, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Stdout == "True",
            _timeout, $"PediaCluster {cluster} never became Ready in the host after the takeover");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("the repository root (Clusterpedia.slnx) was not found above the test binaries");
    }
}
