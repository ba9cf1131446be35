using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Aggregation;

/// <summary>
/// Our API server (in-process, HTTPS with a certificate from a test CA) registered in a host simulator as APIService
/// v1beta1.clusterpedia.io, and searched with real kubectl through the host, as in a cluster where Clusterpedia runs
/// behind kube-apiserver's aggregation layer.
/// </summary>
public sealed class ClusterpediaAggregationTests
{
    private const string _serviceName = "clusterpedia-clusterpedia-apiserver";
    private const string _serviceNamespace = "clusterpedia-system";

    private static readonly GroupVersionResource _apiServices = new("apiregistration.k8s.io", "v1", "apiservices");

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlGetDeployments_ThroughHostAggregator_ListsMemberDeployments(string binary)
    {
        var dir = new TempDirectory("clusterpedia-aggr-");
        await using var member = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, ClusterName = "member", Token = "member-token", Tls = true, Namespaces = 1 });
        await using var host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            Port = 0,
            ClusterName = "host",
            Tls = true,
            Namespaces = 0,
            AggregationCheckInterval = TimeSpan.FromMilliseconds(200),
        });
        var serving = ServingCertificate.For($"{_serviceName}.{_serviceNamespace}.svc");
        await File.WriteAllTextAsync(dir.File("tls.crt"), serving.CertificatePem);
        await File.WriteAllTextAsync(dir.File("tls.key"), serving.KeyPem);
        await using var server = await InProcessServer.StartAsync(
            dir.Path, "--urls", "https://127.0.0.1:0",
            "--Kestrel:Certificates:Default:Path", dir.File("tls.crt"), "--Kestrel:Certificates:Default:KeyPath", dir.File("tls.key"),
            "--Synchro:HealthInterval", "00:00:02");
        try
        {
            await RegisterMemberAsync(server, serving.CaPem, member, dir);
            RegisterApiService(host, server.Url.Port, serving.CaPem);
            await Eventually.UntilAsync(
                () => Task.FromResult(AvailableStatus(host) == "True"), TimeSpan.FromSeconds(15),
                () => Task.FromResult($"v1beta1.clusterpedia.io to become available; its condition is {AvailableStatus(host)}"));
            var kubeconfig = dir.File("host-search.kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, host.CreateKubeconfig().Replace(
                $"server: {host.Url.ToString().TrimEnd('/')}",
                $"server: {host.Url.ToString().TrimEnd('/')}/apis/clusterpedia.io/v1beta1/resources",
                StringComparison.Ordinal));
            using var kubectl = new Kubectl(binary, kubeconfig);

            var output = await kubectl.OkAsync("get", "deployments", "-A");

            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
            var rows = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            rows.ShouldAllBe(r => r[1] == "member");
            rows.Select(r => $"{r[0]}/{r[2]}").ShouldContain("kube-system/coredns");

            // The host's discovery carries our group (converted from our legacy discovery, as kube-aggregator falls
            // back to it), so kubectl resolves our resource types through the host itself.
            var hostKubeconfig = dir.File("host.kubeconfig");
            await File.WriteAllTextAsync(hostKubeconfig, host.CreateKubeconfig());
            using var hostKubectl = new Kubectl(binary, hostKubeconfig);
            await Eventually.UntilAsync(
                async () => (await hostKubectl.RunAsync("api-resources", "--api-group", "clusterpedia.io", "-o", "name")).Stdout.Contains("collectionresources.clusterpedia.io", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15), () => Task.FromResult("clusterpedia.io resources in the host's discovery"));
            var resources = await hostKubectl.OkAsync("api-resources", "--api-group", "clusterpedia.io", "-o", "name");
            resources.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)
                .ShouldBe(["collectionresources.clusterpedia.io", "resources.clusterpedia.io"]);
            (await hostKubectl.OkAsync("get", "collectionresources", "-o", "name")).ShouldContain("collectionresource.clusterpedia.io/workloads");
        }
        finally
        {
            dir.Delete();
        }
    }

    private static string? AvailableStatus(SimulatedCluster host) =>
        (host.Store.Get(_apiServices, null, "v1beta1.clusterpedia.io")?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Available")?["status"]?.GetValue<string>();

    /// <summary>Applies a PediaCluster for the member with kubectl against the server itself, and waits until it is Ready.</summary>
    private static async Task RegisterMemberAsync(InProcessServer server, string serverCaPem, SimulatedCluster member, TempDirectory dir)
    {
        var kubeconfig = dir.File("server.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: server
              cluster: {server: "{{server.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Base64(serverCaPem)}}"}
            users:
            - name: admin
              user: {token: unused}
            contexts:
            - name: server
              context: {cluster: server, user: admin}
            current-context: server
            """);
        var manifest = dir.File("member.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: member
            spec:
              apiserver: "{member.Url.ToString().TrimEnd('/')}"
              caData: "{Base64(member.CaCertificatePem!)}"
              tokenData: "{Base64(member.Token!)}"
              syncResources:
              - group: apps
                resources: [deployments]
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, kubeconfig);
        await kubectl.OkAsync("apply", "-f", manifest);
        using var ca = X509Certificate2.CreateFromPem(serverCaPem);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler);
        await PediaClusterReadiness.WaitAsync(http, server.Url, "member", TimeSpan.FromSeconds(60));
    }

    /// <summary>Service + Endpoints pointing at the server's port, and the APIService trusting the server's CA.</summary>
    private static void RegisterApiService(SimulatedCluster host, int port, string caPem)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        host.Store.Create(new GroupVersionResource(string.Empty, "v1", "namespaces"), null, $$$"""{"metadata":{"name":"{{{_serviceNamespace}}}"}}""");
        host.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), _serviceNamespace, $$$"""
            {"metadata":{"name":"{{{_serviceName}}}"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":{{{portText}}}}]}}
            """);
        host.Store.Create(new GroupVersionResource(string.Empty, "v1", "endpoints"), _serviceNamespace, $$$"""
            {"metadata":{"name":"{{{_serviceName}}}"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{portText}}}}]}]}
            """);
        host.Store.Create(_apiServices, null, $$$"""
            {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.clusterpedia.io"},
             "spec":{"group":"clusterpedia.io","version":"v1beta1","groupPriorityMinimum":1000,"versionPriority":100,
                     "service":{"namespace":"{{{_serviceNamespace}}}","name":"{{{_serviceName}}}","port":443},"caBundle":"{{{Base64(caPem)}}}"}}
            """);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
