using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>
/// A simulated cluster secured like a kubeadm one: HTTPS, a token file with an administrator (system:masters), a
/// viewer, an editor and a user with no bindings, RBAC with the default roles, and the viewer bound to <c>view</c> in
/// namespace default. A kubeconfig with one token-only context per user is written for kubectl.
/// </summary>
public sealed class SecuredClusterFixture : IAsyncLifetime
{
    public const string AdminToken = "admin-token-0123456789";
    public const string ViewerToken = "viewer-token-0123456789";
    public const string NobodyToken = "nobody-token-0123456789";

    private readonly TempDirectory _directory = new("kubesim-security-");

    public SimulatedCluster Cluster { get; private set; } = null!;

    /// <summary>Contexts <c>admin</c> (current), <c>viewer</c>, <c>nobody</c> and <c>anonymous</c> (no credentials).</summary>
    public string KubeconfigPath => _directory.File("kubeconfig");

    public async Task InitializeAsync()
    {
        var tokenFile = _directory.File("tokens.csv");
        await File.WriteAllTextAsync(tokenFile, $"""
            {AdminToken},admin,uid-admin,"system:masters"
            {ViewerToken},viewer,uid-viewer
            {NobodyToken},nobody,uid-nobody,"team-a,team-b"

            """);
        Cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, TokenAuthFile = tokenFile, Namespaces = 1 });
        Cluster.Store.Create(new GroupVersionResource("rbac.authorization.k8s.io", "v1", "rolebindings"), "default", """
            {"metadata":{"name":"viewer-view","namespace":"default"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"viewer"}]}
            """);
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(Cluster.CaCertificatePem!));
        await File.WriteAllTextAsync(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster: {"{"}server: "{Cluster.Url.ToString().TrimEnd('/')}", certificate-authority-data: {ca}{"}"}
            users:
            - {"{"}name: admin, user: {"{"}token: {AdminToken}{"}"}{"}"}
            - {"{"}name: viewer, user: {"{"}token: {ViewerToken}{"}"}{"}"}
            - {"{"}name: nobody, user: {"{"}token: {NobodyToken}{"}"}{"}"}
            - {"{"}name: anonymous, user: {"{"}{"}"}{"}"}
            contexts:
            - {"{"}name: admin, context: {"{"}cluster: sim, user: admin{"}"}{"}"}
            - {"{"}name: viewer, context: {"{"}cluster: sim, user: viewer{"}"}{"}"}
            - {"{"}name: nobody, context: {"{"}cluster: sim, user: nobody{"}"}{"}"}
            - {"{"}name: anonymous, context: {"{"}cluster: sim, user: anonymous{"}"}{"}"}
            current-context: admin
            """);
    }

    public Kubectl Kubectl(string binary) => new(binary, KubeconfigPath);

    /// <summary>A file in the fixture's directory with <paramref name="content"/>, for <c>kubectl create -f</c>.</summary>
    public string WriteManifest(string name, string content)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>An HTTPS client trusting the cluster CA, sending <paramref name="token"/> when given.</summary>
    public HttpClient Http(string? token)
    {
        var ca = X509Certificate2.CreateFromPem(Cluster.CaCertificatePem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate!);
            },
        };
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = Cluster.Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _directory.Delete();
    }
}
