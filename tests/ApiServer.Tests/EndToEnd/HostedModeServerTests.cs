using System.Net;
using System.Text;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// The real server started with <c>--host-kubeconfig</c>: the repository's crds/, a credential Secret and a
/// PediaCluster using authenticationFrom are applied to a simulated host with real kubectl; the server syncs the
/// member, writes the status into the host, serves the PediaCluster read-only and the member's objects in search.
/// </summary>
public sealed class HostedModeServerTests : IAsyncLifetime
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new("clusterpedia-hosted-e2e-");
    private HttpClient Http { get; } = new();
    private SimulatedCluster _host = null!;
    private SimulatedCluster _member = null!;
    private InProcessServer? _server;
    private Uri _serverUrl = null!;

    private string HostKubeconfig => _dir.File("host.kubeconfig");

    public async Task InitializeAsync()
    {
        _host = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "host", Token = "token-host", Tls = true, Namespaces = 0, DeploymentsPerNamespace = 0, Nodes = 1 });
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Namespaces = 2, Seed = 3 });
        await File.WriteAllTextAsync(HostKubeconfig, _host.CreateKubeconfig("host"));
    }

    [Fact]
    public async Task HostKubeconfig_PediaClusterWithSecretInHost_SyncedStatusInHostAndReadOnlyHere()
    {
        var kubectl = new Kubectl("kubectl", HostKubeconfig);
        await kubectl.OkAsync("apply", "-f", RepositoryPath("crds"));
        await kubectl.OkAsync("create", "namespace", "clusterpedia-system");
        await kubectl.OkAsync("create", "secret", "generic", "member-credentials", "-n", "clusterpedia-system", "--from-literal=token=" + _member.Token);
        var manifest = _dir.File("member.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: member
            spec:
              apiserver: "{_member.Url.ToString().TrimEnd('/')}"
              authenticationFrom:
                token: {"{"}name: member-credentials, key: token{"}"}
              syncResources:
              - group: apps
                resources: [deployments]
            """);
        await kubectl.OkAsync("apply", "-f", manifest);

        _server = await InProcessServer.StartAsync(_dir.Path, "--host-kubeconfig", HostKubeconfig, "--Synchro:ResyncInterval", "00:00:01");
        _serverUrl = _server.Url;

        // The status is written into the host, and our server serves the host's object.
        await WaitUntilAsync(async () => (await kubectl.RunAsync("get", "pediacluster", "member", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Stdout == "True",
            async () => (await kubectl.RunAsync("get", "pediacluster", "member", "-o", "yaml")).Stdout);
        using (var own = await Http.GetAsync(new Uri(_serverUrl, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/member")))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var doc = JsonDocument.Parse(await own.Content.ReadAsStringAsync());
            doc.RootElement.GetProperty("spec").GetProperty("authenticationFrom").GetProperty("token").GetProperty("name").GetString().ShouldBe("member-credentials");
            doc.RootElement.GetProperty("metadata").GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()).ShouldContain("clusterpedia.io/cluster-data");
        }

        // The member's deployments are searchable.
        var expected = _member.Store.Count(new("apps", "v1", "deployments"));
        await WaitUntilAsync(async () => await SearchCountAsync("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments") == expected,
            async () => $"search has {await SearchCountAsync("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments")}, the member {expected}");

        // Writes through our server are refused with a Status saying where they belong.
        using var post = await Http.PostAsync(new Uri(_serverUrl, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"),
            new StringContent("""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"x"},"spec":{"apiserver":"https://a"}}""", Encoding.UTF8, "application/json"));
        ((int)post.StatusCode).ShouldBe(405);
        (await post.Content.ReadAsStringAsync()).ShouldContain("hosted mode");

        // Deleted in the host: the data finalizer lets it go once the rows are removed.
        await kubectl.OkAsync("delete", "pediacluster", "member", "--wait=false");
        await WaitUntilAsync(async () => (await kubectl.RunAsync("get", "pediacluster", "member")).ExitCode != 0,
            async () => (await kubectl.RunAsync("get", "pediacluster", "member", "-o", "yaml")).Stdout);
        // With no cluster left syncing deployments the search answers 404 (-1 here), as it does in standalone mode.
        await WaitUntilAsync(async () => await SearchCountAsync("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments") <= 0,
            async () => $"search still has {await SearchCountAsync("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments")}");
    }

    private async Task<int> SearchCountAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(_serverUrl, path));
        if (!response.IsSuccessStatusCode)
        {
            return -1;
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("items").GetArrayLength();
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string>> describe) =>
        Eventually.UntilAsync(condition, _timeout, describe, TimeSpan.FromMilliseconds(200));

    private static string RepositoryPath(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new InvalidOperationException($"the repository root was not found above {AppContext.BaseDirectory}")
            : Path.Combine(dir.FullName, relative);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _member.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Delete();
    }
}
