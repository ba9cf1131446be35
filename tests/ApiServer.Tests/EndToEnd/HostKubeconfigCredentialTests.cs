using System.Net;
using System.Text;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// <c>--host-kubeconfig</c> whose user has no token in the file: an exec credential plugin (a real script printing
/// the host's token) or a token file; or no kubeconfig at all, <c>--host-in-cluster</c> (a ServiceAccount directory and
/// the service variables), also after its ServiceAccount token is rotated. The server reads the host's PediaClusters
/// and writes their status through it.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HostKubeconfigCredentialTests : IAsyncLifetime
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new("clusterpedia-host-credential-");
    private SimulatedCluster _host = null!;
    private SimulatedCluster _member = null!;
    private InProcessServer? _server;

    public async Task InitializeAsync()
    {
        _host = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "host", Token = "token-host", Tls = true, Namespaces = 0, DeploymentsPerNamespace = 0, Nodes = 1 });
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Namespaces = 1, Seed = 5 });
        var admin = _dir.File("admin.kubeconfig");
        await File.WriteAllTextAsync(admin, Kubeconfig($"{{token: \"{_host.Token}\"}}"));
        var kubectl = new Kubectl("kubectl", admin);
        await kubectl.OkAsync("apply", "-f", Path.Combine(RepositoryRoot(), "crds"));
        var manifest = _dir.File("member.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: member
            spec:
              apiserver: "{_member.Url.ToString().TrimEnd('/')}"
              tokenData: {Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.Token!))}
              syncResources:
              - group: apps
                resources: [deployments]
            """);
        await kubectl.OkAsync("apply", "-f", manifest);
    }

    [Fact]
    public async Task HostKubeconfig_ExecPluginUser_ReadsAndWritesTheHost()
    {
        var script = _dir.File("host-plugin.sh");
        await File.WriteAllTextAsync(script, $$$"""
            #!/bin/sh
            echo run >> "{{{_dir.File("host-plugin.runs")}}}"
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{_host.Token}}}","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        await AssertHostedWorksAsync(Kubeconfig($"{{exec: {{apiVersion: client.authentication.k8s.io/v1, command: \"{script}\", interactiveMode: Never, provideClusterInfo: true}}}}"));
        File.ReadAllLines(_dir.File("host-plugin.runs")).Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task HostKubeconfig_TokenFileUser_ReadsAndWritesTheHost()
    {
        await File.WriteAllTextAsync(_dir.File("host-token"), _host.Token + "\n");

        await AssertHostedWorksAsync(Kubeconfig("{tokenFile: host-token}"));
    }

    [Fact]
    public async Task HostInCluster_ServiceAccountDirectory_ReadsAndWritesTheHost()
    {
        var serviceAccount = Directory.CreateDirectory(_dir.File("serviceaccount")).FullName;
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "token"), _host.Token);
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "ca.crt"), _host.CaCertificatePem);
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "namespace"), "clusterpedia-system");
        // The variables the kubelet sets in every pod; the server reads the process environment, so this class runs
        // alone (ProcessEnvironmentCollection).
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", _host.Url.Host);
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", _host.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await AssertHostedWorksAsync("--host-in-cluster", "--Synchro:InClusterDirectory", serviceAccount);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        }
    }

    [Fact]
    public async Task HostInCluster_ServiceAccountTokenRotated_KeepsWritingTheHostWithTheNewToken()
    {
        // A real ServiceAccount token of the host (TokenRequest, as the kubelet's projected volume gets one).
        var admin = new Kubectl("kubectl", _dir.File("admin.kubeconfig"));
        await admin.OkAsync("create", "namespace", "clusterpedia-system");
        await admin.OkAsync("create", "serviceaccount", "clusterpedia", "-n", "clusterpedia-system");
        await admin.OkAsync("create", "clusterrolebinding", "clusterpedia", "--clusterrole=cluster-admin", "--serviceaccount=clusterpedia-system:clusterpedia");
        var first = (await admin.OkAsync("create", "token", "clusterpedia", "-n", "clusterpedia-system")).Trim();
        var serviceAccount = Directory.CreateDirectory(_dir.File("serviceaccount")).FullName;
        var tokenFile = Path.Combine(serviceAccount, "token");
        await File.WriteAllTextAsync(tokenFile, first);
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "ca.crt"), _host.CaCertificatePem);
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "namespace"), "clusterpedia-system");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", _host.Url.Host);
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", _host.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await AssertHostedWorksAsync("--host-in-cluster", "--Synchro:InClusterDirectory", serviceAccount);

            // The token rotates and the old one stops working: the ServiceAccount is recreated (every token of the old
            // one is refused from then on), and the new token replaces the file's content the way the kubelet swaps it.
            await admin.OkAsync("delete", "serviceaccount", "clusterpedia", "-n", "clusterpedia-system");
            await admin.OkAsync("create", "serviceaccount", "clusterpedia", "-n", "clusterpedia-system");
            var rotated = (await admin.OkAsync("create", "token", "clusterpedia", "-n", "clusterpedia-system")).Trim();
            await File.WriteAllTextAsync(tokenFile + ".new", rotated);
            File.Move(tokenFile + ".new", tokenFile, overwrite: true);
            var oldKubeconfig = _dir.File("old-token.kubeconfig");
            await File.WriteAllTextAsync(oldKubeconfig, Kubeconfig($"{{token: \"{first}\"}}"));
            var old = await new Kubectl("kubectl", oldKubeconfig).RunAsync("get", "pediaclusters");
            old.ExitCode.ShouldNotBe(0, "the first token must no longer work");
            old.Stderr.ShouldContain("Unauthorized");

            // A spec change only the host knows: its status, written back to the host, needs the rotated token.
            await admin.OkAsync("patch", "pediacluster", "member", "--type=merge", "-p",
                """{"spec":{"syncResources":[{"group":"apps","resources":["deployments","replicasets"]}]}}""");
            await Eventually.UntilAsync(
                async () => (await admin.RunAsync("get", "pediacluster", "member", "-o", "jsonpath={.status.syncResources[*].resources[*].name}")).Stdout.Contains("replicasets", StringComparison.Ordinal),
                _timeout,
                async () => "the status in the host never showed the added resource: " + (await admin.RunAsync("get", "pediacluster", "member", "-o", "yaml")).Stdout,
                TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        }
    }

    private async Task AssertHostedWorksAsync(string hostKubeconfig)
    {
        var path = _dir.File("host.kubeconfig");
        await File.WriteAllTextAsync(path, hostKubeconfig);
        await AssertHostedWorksAsync("--host-kubeconfig", path);
    }

    private async Task AssertHostedWorksAsync(params string[] hostArgs)
    {
        _server = await InProcessServer.StartAsync(_dir.Path, [.. hostArgs, "--Synchro:ResyncInterval", "00:00:01"]);

        // Read from the host: our server serves the host's PediaCluster.
        using var http = new HttpClient();
        using (var own = await http.GetAsync(new Uri(_server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/member")))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        }

        // Written to the host: the synchro's status arrives there.
        var admin = new Kubectl("kubectl", _dir.File("admin.kubeconfig"));
        await Eventually.UntilAsync(
            async () => (await admin.RunAsync("get", "pediacluster", "member", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Stdout == "True",
            _timeout,
            async () => (await admin.RunAsync("get", "pediacluster", "member", "-o", "yaml")).Stdout,
            TimeSpan.FromMilliseconds(200));
    }

    // A kubeconfig for the host whose user is the given YAML flow mapping.
    private string Kubeconfig(string user) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: host
          cluster: {server: "{{_host.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(_host.CaCertificatePem!))}}"}
        users:
        - name: host-user
          user: {{user}}
        contexts:
        - name: host
          context: {cluster: host, user: host-user}
        current-context: host
        """;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Clusterpedia.slnx above {AppContext.BaseDirectory}: the test applies crds/ from the repository");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _member.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Delete();
    }
}
