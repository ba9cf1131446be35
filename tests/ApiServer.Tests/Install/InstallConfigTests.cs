using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Tests.Configuration;
using YamlDotNet.Serialization;

namespace Clusterpedia.ApiServer.Tests.Install;

/// <summary>
/// The configuration each install ships in its ConfigMap is one the server accepts: fed through CLUSTERPEDIA_CONFIG
/// (as the Deployment feeds it) to the real server program's --print-config, it passes the start-up check of unknown
/// keys and wrong types, and what the server would use is what the manifest says.
/// </summary>
public sealed class InstallConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new("clusterpedia-install-config-");

    [Theory]
    [InlineData("deploy/base")]
    [InlineData("deploy/overlays/sqlite")]
    [InlineData("deploy/overlays/postgres")]
    public async Task ConfigMap_ThroughClusterpediaConfig_AcceptedAsWritten(string kustomization)
    {
        using var kubectl = new Kubectl(Kubectl.Newest, _dir.File("kubeconfig"));
        var data = ConfigMapData(await kubectl.OkAsync("kustomize", InstallManifests.PathOf(kustomization)));
        var config = JsonNode.Parse(data["config.json"])!.AsObject();

        // The host is reached in-cluster (the pod's ServiceAccount): no kubeconfig ships with the install.
        data.ShouldNotContainKey("host.kubeconfig");
        // As in a pod: the kubelet sets the service variables the in-cluster host configuration needs.
        var environment = new Dictionary<string, string>
        {
            ["CLUSTERPEDIA_CONFIG"] = config.ToJsonString(),
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "443",
        };
        var run = await ServerCommandRun.RunAsync(environment, "--print-config");

        run.ExitCode.ShouldBe(0, run.Stderr);
        var effective = JsonNode.Parse(run.Stdout)!;
        effective["Install"]!["CertSecret"]!.GetValue<string>().ShouldBe("clusterpedia-apiserver-certs");
        effective["Install"]!["ApiService"]!.GetValue<string>().ShouldBe("v1beta1.clusterpedia.io");
        effective["Install"]!["WebhookConfiguration"]!.GetValue<string>().ShouldBe("clusterpedia");
        effective["Storage"]!["Engine"]!.GetValue<string>().ShouldBe(config["Storage"]!["Engine"]!.GetValue<string>());
        effective["Synchro"]!["SecretNamespace"]!.GetValue<string>().ShouldBe("clusterpedia-system");
        effective["Synchro"]!["HostInCluster"]!.GetValue<bool>().ShouldBeTrue();
    }

    private static Dictionary<string, string> ConfigMapData(string manifests)
    {
        var yaml = new DeserializerBuilder().Build();
        foreach (var document in manifests.Split("\n---\n"))
        {
            var obj = yaml.Deserialize<Dictionary<string, object>>(document);
            if (obj["kind"] as string == "ConfigMap" && obj["metadata"] is Dictionary<object, object> { } metadata
                && metadata["name"] as string == "clusterpedia-config")
            {
                return ((Dictionary<object, object>)obj["data"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);
            }
        }

        throw new ShouldAssertException("no ConfigMap clusterpedia-config in the build");
    }

    public void Dispose() => _dir.Delete();
}
