using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Tests.Security;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Admission;

/// <summary>
/// Installed without a given certificate (Install:CertSecret): the server generates its serving pair into a Secret of
/// the host, a second replica serves the same one, and the APIService and webhook configurations registered without a
/// caBundle get the CA, so kubectl through the host reaches the server by aggregation and its webhooks.
/// </summary>
public sealed class ServingSecretBootstrapTests : IAsyncLifetime
{
    private const string _secret = "clusterpedia-serving-cert";
    private const string _apiServiceName = "v1beta1.clusterpedia.io";
    private static readonly GroupVersionResource _secrets = new(string.Empty, "v1", "secrets");
    private static readonly GroupVersionResource _apiServices = new("apiregistration.k8s.io", "v1", "apiservices");
    private static readonly GroupVersionResource _validating = new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations");
    private static readonly GroupVersionResource _mutating = new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations");

    private readonly TempDirectory _dir = new("clusterpedia-install-");
    private readonly List<InProcessServer> _servers = [];
    private SimulatedCluster _host = null!;

    private string Kubeconfig => _dir.File("host.kubeconfig");

    public async Task InitializeAsync()
    {
        _host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = "host",
            Token = "host-admin-token",
            Tls = true,
            Namespaces = 0,
            DeploymentsPerNamespace = 0,
            Nodes = 1,
            AggregationCheckInterval = TimeSpan.FromMilliseconds(200),
        });
        await File.WriteAllTextAsync(Kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: host
              cluster: {server: "{{_host.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Base64(_host.CaCertificatePem!)}}"}
            users:
            - name: admin
              user: {token: host-admin-token}
            contexts:
            - name: host
              context: {cluster: host, user: admin}
            current-context: host
            """);
        using var admin = new Kubectl(Kubectl.Newest, Kubeconfig);
        await admin.OkAsync("apply", "-f", RepositoryPath("crds"));
        await admin.OkAsync("create", "namespace", AdmissionEnvironment.ServiceNamespace);
        await File.WriteAllTextAsync(_dir.File("registrations.yaml"), AdmissionEnvironment.WebhookConfigurations(caBundle: null) + $"""

            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {"{"}name: {_apiServiceName}{"}"}
            spec:
              group: clusterpedia.io
              version: v1beta1
              groupPriorityMinimum: 1000
              versionPriority: 100
              service: {"{"}namespace: {AdmissionEnvironment.ServiceNamespace}, name: {AdmissionEnvironment.ServiceName}, port: 443{"}"}
            """);
        await admin.OkAsync("apply", "-f", _dir.File("registrations.yaml"));
    }

    [Fact]
    public async Task Start_CertSecretAbsent_GeneratesSecretPublishesCaAndServesThroughHost()
    {
        var server = await StartServerAsync("one");
        RegisterService(server.Url.Port);

        var secret = _host.Store.Get(_secrets, AdmissionEnvironment.ServiceNamespace, _secret).ShouldNotBeNull();
        var caPem = Decode(secret, "ca.crt");
        Decode(secret, "tls.crt").ShouldStartWith("-----BEGIN CERTIFICATE-----");
        Decode(secret, "tls.key").ShouldContain("PRIVATE KEY");
        var bundle = Base64(caPem);
        await Eventually.UntilAsync(() => Task.FromResult(Bundles().All(b => b == bundle)), TimeSpan.FromSeconds(20),
            () => Task.FromResult("the APIService and every webhook to carry the CA; they carry " + string.Join(", ", Bundles())));
        using (var http = TrustingHttp.Create(caPem))
        {
            // The server presents the Secret's pair, valid for loopback as for the Service name.
            (await http.GetAsync(new Uri(server.Url, "/livez"))).IsSuccessStatusCode.ShouldBeTrue();
        }

        using var kubectl = new Kubectl(Kubectl.Newest, Kubeconfig);
        await Eventually.UntilAsync(async () => (await kubectl.RunAsync("get", "--raw", "/apis/clusterpedia.io/v1beta1")).ExitCode == 0,
            TimeSpan.FromSeconds(20), async () => (await kubectl.RunAsync("get", "apiservice", _apiServiceName, "-o", "yaml")).Stdout);
        var bad = _dir.File("bad.yaml");
        await File.WriteAllTextAsync(bad, """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata: {name: bad}
            spec: {apiserver: "https://member", caData: "%%%"}
            """);
        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", bad);
        exit.ShouldNotBe(0);
        error.ShouldContain("spec.caData: Invalid value: must be base64-encoded");
    }

    [Fact]
    public async Task Start_TwoReplicas_ServeTheSameCertificate()
    {
        var servers = await Task.WhenAll(StartServerAsync("a"), StartServerAsync("b"));

        var caPem = Decode(_host.Store.Get(_secrets, AdmissionEnvironment.ServiceNamespace, _secret).ShouldNotBeNull(), "ca.crt");
        using var http = TrustingHttp.Create(caPem);
        foreach (var server in servers)
        {
            (await http.GetAsync(new Uri(server.Url, "/livez"))).IsSuccessStatusCode.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task Start_SecretWithoutCa_FailsNamingTheKey()
    {
        _host.Store.Create(_secrets, AdmissionEnvironment.ServiceNamespace, $$"""
            {"metadata":{"name":"{{_secret}}"},"type":"kubernetes.io/tls","data":{"tls.crt":"eA==","tls.key":"eA=="} }
            """);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => StartServerAsync("broken"));

        error.Message.ShouldContain("Install:CertSecret: Secret clusterpedia-system/clusterpedia-serving-cert has no usable data[\"ca.crt\"]");
    }

    [Fact]
    public async Task Start_CertSecretWithoutHostedMode_FailsNamingTheOption()
    {
        var directory = _dir.File("standalone");
        Directory.CreateDirectory(directory);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => InProcessServer.StartSecureAsync(directory, "--Install:CertSecret", _secret));

        error.Message.ShouldContain("Install:CertSecret");
        error.Message.ShouldContain("--host-kubeconfig");
    }

    private async Task<InProcessServer> StartServerAsync(string name)
    {
        var directory = _dir.File(name);
        Directory.CreateDirectory(directory);
        var server = await InProcessServer.StartSecureAsync(directory, "--host-kubeconfig", Kubeconfig,
            "--Install:CertSecret", _secret, "--Install:ApiService", _apiServiceName, "--Install:WebhookConfiguration", "clusterpedia");
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }

    private IEnumerable<string?> Bundles()
    {
        yield return _host.Store.Get(_apiServices, null, _apiServiceName)?["spec"]?["caBundle"]?.GetValue<string>();
        foreach (var configurations in new[] { _validating, _mutating })
        {
            foreach (var webhook in _host.Store.Get(configurations, null, "clusterpedia")?["webhooks"]?.AsArray() ?? [])
            {
                yield return webhook?["clientConfig"]?["caBundle"]?.GetValue<string>();
            }
        }
    }

    private void RegisterService(int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        _host.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), AdmissionEnvironment.ServiceNamespace, $$$"""
            {"metadata":{"name":"{{{AdmissionEnvironment.ServiceName}}}"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":{{{portText}}}}]}}
            """);
        _host.Store.Create(new GroupVersionResource(string.Empty, "v1", "endpoints"), AdmissionEnvironment.ServiceNamespace, $$$"""
            {"metadata":{"name":"{{{AdmissionEnvironment.ServiceName}}}"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{portText}}}}]}]}
            """);
    }

    private static string Decode(JsonNode secret, string key) => Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string RepositoryPath(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, relative);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _host.DisposeAsync();
        _dir.Delete();
    }
}
