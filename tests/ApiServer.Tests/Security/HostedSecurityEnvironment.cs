using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Tests.Aggregation;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// Hosted mode with security on: a host simulator (TLS, front proxy, RBAC, a token file with <c>viewer</c> and
/// <c>nobody</c>) holding the PediaCluster of one member, our server (secure default, --host-kubeconfig) registered as
/// APIService v1beta1.clusterpedia.io, and the viewer allowed the clusterpedia.io search API by a ClusterRole written
/// as for Clusterpedia. The server reads the host's extension-apiserver-authentication ConfigMap and asks the host's
/// TokenReview and SubjectAccessReview.
/// </summary>
public class HostedSecurityEnvironment : IAsyncLifetime
{
    public const string ViewerToken = "viewer-token-789";
    public const string NobodyToken = "nobody-token-012";
    private const string _serviceName = "clusterpedia-apiserver";
    private const string _serviceNamespace = "clusterpedia-system";

    private static readonly GroupVersionResource _apiServices = new("apiregistration.k8s.io", "v1", "apiservices");

    private readonly TempDirectory _dir = new("clusterpedia-hostsec-");
    private InProcessServer? _server;

    public SimulatedCluster Host { get; private set; } = null!;

    public SimulatedCluster Member { get; private set; } = null!;

    public InProcessServer Server => _server!;

    public string ServingCaPem { get; private set; } = "";

    /// <summary>Every log record of our server, at Trace level, from its start.</summary>
    internal CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_dir.File("tokens.csv"), $"{ViewerToken},viewer,uid-viewer\n{NobodyToken},nobody,uid-nobody\n");
        Member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "member-token-" + Guid.NewGuid().ToString("N")[..12], Tls = true, Namespaces = 1 });
        // Per-user results: in the member, the viewer may view kube-system (where coredns runs) and nothing else.
        Member.Store.Create(new GroupVersionResource("rbac.authorization.k8s.io", "v1", "rolebindings"), "kube-system", """
            {"metadata":{"name":"viewer-view","namespace":"kube-system"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"viewer"}]}
            """);
        Host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = "host",
            Token = "host-admin-token",
            TokenAuthFile = _dir.File("tokens.csv"),
            AuthorizationMode = AuthorizationMode.Rbac,
            Tls = true,
            Namespaces = 0,
            DeploymentsPerNamespace = 0,
            Nodes = 1,
            AggregationCheckInterval = TimeSpan.FromMilliseconds(200),
        });
        await File.WriteAllTextAsync(HostKubeconfig("host-admin-token"), KubeconfigText(Host.Url.ToString().TrimEnd('/'), "host-admin-token"));
        using var admin = new Kubectl(Kubectl.Newest, HostKubeconfig("host-admin-token"));
        await admin.OkAsync("apply", "-f", RepositoryPath("crds"));
        var setup = _dir.File("host-setup.yaml");
        await File.WriteAllTextAsync(setup, $$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{_serviceNamespace}}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: clusterpedia-search}
            rules:
            - apiGroups: [clusterpedia.io]
              resources: ["*"]
              verbs: [get, list, watch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: viewer-clusterpedia-search}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: clusterpedia-search}
            subjects:
            - {apiGroup: rbac.authorization.k8s.io, kind: User, name: viewer}
            """);
        await admin.OkAsync("apply", "-f", setup);
        await admin.OkAsync("create", "secret", "generic", "member-credentials", "-n", _serviceNamespace, "--from-literal=token=" + Member.Token);
        var member = _dir.File("member.yaml");
        await File.WriteAllTextAsync(member, $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: member
            spec:
              apiserver: "{Member.Url.ToString().TrimEnd('/')}"
              caData: "{Convert.ToBase64String(Encoding.UTF8.GetBytes(Member.CaCertificatePem!))}"
              authenticationFrom:
                token: {"{"}name: member-credentials, key: token{"}"}
              syncResources:
              - group: apps
                resources: [deployments]
            """);
        await admin.OkAsync("apply", "-f", member);

        var serving = ServingCertificate.For($"{_serviceName}.{_serviceNamespace}.svc");
        ServingCaPem = serving.CaPem;
        await File.WriteAllTextAsync(_dir.File("tls.crt"), serving.CertificatePem);
        await File.WriteAllTextAsync(_dir.File("tls.key"), serving.KeyPem);
        _server = await InProcessServer.StartSecureConfiguredAsync(_dir.Path, builder => builder.Logging.AddProvider(Logs),
            ["--Logging:LogLevel:Default", "Trace",
             "--tls-cert-file", _dir.File("tls.crt"), "--tls-private-key-file", _dir.File("tls.key"),
             "--host-kubeconfig", HostKubeconfig("host-admin-token"), "--Synchro:ResyncInterval", "00:00:01", .. ExtraServerArguments]);
        RegisterApiService(Server.Url.Port, serving.CaPem);
        await Eventually.UntilAsync(() => Task.FromResult(AvailableStatus() == "True"), TimeSpan.FromSeconds(20),
            () => Task.FromResult($"v1beta1.clusterpedia.io to become available; its condition is {AvailableStatus()}"));
        await Eventually.UntilAsync(
            async () => (await admin.RunAsync("get", "pediacluster", "member", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).Stdout == "True",
            TimeSpan.FromSeconds(60), async () => (await admin.RunAsync("get", "pediacluster", "member", "-o", "yaml")).Stdout);
    }

    /// <summary>Server options a derived environment adds (short cache TTLs, a small cache).</summary>
    protected virtual IEnumerable<string> ExtraServerArguments => [];

    /// <summary>kubectl through the host with a token: the host's own API, or with <paramref name="search"/> the clusterpedia search URL.</summary>
    public async Task<Kubectl> HostKubectlAsync(string token, bool search, string binary = Kubectl.Newest)
    {
        var server = Host.Url.ToString().TrimEnd('/') + (search ? "/apis/clusterpedia.io/v1beta1/resources" : "");
        var path = _dir.File($"{FileKey(token)}-{search}.kubeconfig");
        await File.WriteAllTextAsync(path, KubeconfigText(server, token));
        return new Kubectl(binary, path);
    }

    public HttpClient DirectHttp(System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null) =>
        TrustingHttp.Create(ServingCaPem, clientCertificate);

    private string HostKubeconfig(string token) => _dir.File($"host-{FileKey(token)}.kubeconfig");

    // File names must not hold a token: paths get logged, and the log tests search for tokens.
    private static string FileKey(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..10];

    private string KubeconfigText(string server, string token) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: host
          cluster: {server: "{{server}}", certificate-authority-data: "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Host.CaCertificatePem!))}}"}
        users:
        - name: u
          user: {token: "{{token}}"}
        contexts:
        - name: host
          context: {cluster: host, user: u}
        current-context: host
        """;

    private string? AvailableStatus() =>
        (Host.Store.Get(_apiServices, null, "v1beta1.clusterpedia.io")?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Available")?["status"]?.GetValue<string>();

    private void RegisterApiService(int port, string caPem)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        Host.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), _serviceNamespace, $$$"""
            {"metadata":{"name":"{{{_serviceName}}}"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":{{{portText}}}}]}}
            """);
        Host.Store.Create(new GroupVersionResource(string.Empty, "v1", "endpoints"), _serviceNamespace, $$$"""
            {"metadata":{"name":"{{{_serviceName}}}"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{portText}}}}]}]}
            """);
        Host.Store.Create(_apiServices, null, $$$"""
            {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.clusterpedia.io"},
             "spec":{"group":"clusterpedia.io","version":"v1beta1","groupPriorityMinimum":1000,"versionPriority":100,
                     "service":{"namespace":"{{{_serviceNamespace}}}","name":"{{{_serviceName}}}","port":443},"caBundle":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem))}}}"}}
            """);
    }

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
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Host.DisposeAsync();
        await Member.DisposeAsync();
        _dir.Delete();
    }
}
