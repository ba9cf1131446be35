using System.Globalization;
using System.Text;
using Clusterpedia.ApiServer.Tests.Aggregation;
using Clusterpedia.ApiServer.Tests.Security;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Admission;

/// <summary>
/// A host simulator (TLS, token) with our CRDs, and our server (secure default, hosted mode) reachable as the Service
/// clusterpedia-apiserver.clusterpedia-system, registered in the host as the validating webhook
/// (<c>/admission/validate</c>, PediaClusters of both groups and ClusterSyncResources) and the mutating webhook
/// (<c>/admission/mutate</c>, PediaCluster creates), with the server's CA as caBundle, as deploy/ registers them.
/// </summary>
public sealed class AdmissionEnvironment : IAsyncLifetime
{
    public const string ServiceName = "clusterpedia-apiserver";
    public const string ServiceNamespace = "clusterpedia-system";
    public const string ValidatingWebhook = "validate.clusterpedia.io";
    public const string MutatingWebhook = "mutate.clusterpedia.io";

    private readonly TempDirectory _dir = new("clusterpedia-admission-");
    private InProcessServer? _server;

    public SimulatedCluster Host { get; private set; } = null!;

    public InProcessServer Server => _server!;

    public string ServingCaPem { get; private set; } = "";

    public string Kubeconfig => _dir.File("host.kubeconfig");

    public string File(string name) => _dir.File(name);

    public async Task InitializeAsync()
    {
        Host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = "host",
            Token = "host-admin-token",
            Tls = true,
            Namespaces = 0,
            DeploymentsPerNamespace = 0,
            Nodes = 1,
        });
        await System.IO.File.WriteAllTextAsync(Kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: host
              cluster: {server: "{{Host.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Base64(Host.CaCertificatePem!)}}"}
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
        await admin.OkAsync("create", "namespace", ServiceNamespace);

        var serving = ServingCertificate.For($"{ServiceName}.{ServiceNamespace}.svc");
        ServingCaPem = serving.CaPem;
        await System.IO.File.WriteAllTextAsync(_dir.File("tls.crt"), serving.CertificatePem);
        await System.IO.File.WriteAllTextAsync(_dir.File("tls.key"), serving.KeyPem);
        _server = await InProcessServer.StartSecureAsync(_dir.Path,
            "--tls-cert-file", _dir.File("tls.crt"), "--tls-private-key-file", _dir.File("tls.key"), "--host-kubeconfig", Kubeconfig);
        RegisterService(Server.Url.Port);
        await System.IO.File.WriteAllTextAsync(_dir.File("webhooks.yaml"), WebhookConfigurations(Base64(serving.CaPem)));
        await admin.OkAsync("apply", "-f", _dir.File("webhooks.yaml"));
    }

    /// <summary>An HttpClient that trusts the server's CA and sends no credentials, as kube-apiserver calls webhooks.</summary>
    public HttpClient AnonymousHttp() => TrustingHttp.Create(ServingCaPem);

    /// <summary>
    /// The registrations, as YAML a user would apply (service reference, caBundle, rules); without a caBundle, as an
    /// install leaves them for the server to fill in.
    /// </summary>
    public static string WebhookConfigurations(string? caBundle) => _webhookConfigurationsTemplate.Replace(
        "    caBundle: CA\n", caBundle is null ? "" : $"    caBundle: {caBundle}\n", StringComparison.Ordinal);

    private const string _webhookConfigurationsTemplate = $$"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: clusterpedia}
        webhooks:
        - name: {{ValidatingWebhook}}
          clientConfig:
            service: {namespace: {{ServiceNamespace}}, name: {{ServiceName}}, path: /admission/validate, port: 443}
            caBundle: CA
          rules:
          - operations: [CREATE, UPDATE]
            apiGroups: [cluster.clusterpedia.io, clusters.clusterpedia.io]
            apiVersions: [v1alpha2, v1alpha1]
            resources: [pediaclusters, clustersyncresources]
          failurePolicy: Fail
          sideEffects: None
          admissionReviewVersions: [v1]
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: clusterpedia}
        webhooks:
        - name: {{MutatingWebhook}}
          clientConfig:
            service: {namespace: {{ServiceNamespace}}, name: {{ServiceName}}, path: /admission/mutate, port: 443}
            caBundle: CA
          rules:
          - operations: [CREATE]
            apiGroups: [cluster.clusterpedia.io, clusters.clusterpedia.io]
            apiVersions: [v1alpha2, v1alpha1]
            resources: [pediaclusters]
          failurePolicy: Fail
          sideEffects: None
          admissionReviewVersions: [v1]
        """;

    private void RegisterService(int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        Host.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), ServiceNamespace, $$$"""
            {"metadata":{"name":"{{{ServiceName}}}"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":{{{portText}}}}]}}
            """);
        Host.Store.Create(new GroupVersionResource(string.Empty, "v1", "endpoints"), ServiceNamespace, $$$"""
            {"metadata":{"name":"{{{ServiceName}}}"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{portText}}}}]}]}
            """);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string RepositoryPath(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
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
        _dir.Delete();
    }
}
