using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.KubeSim;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>
/// In hosted mode the host cluster holds the PediaClusters (read-only here), but WorkloadPlugins live in our database:
/// they are written through our server, loaded, and deleted as in standalone mode.
/// </summary>
public sealed class HostedWorkloadPluginTests : IAsyncLifetime
{
    private const string _collection = "/apis/plugins.clusterpedia.io/v1alpha1/workloadplugins";
    private readonly TempDirectory _dir = new("clusterpedia-hosted-plugins-");
    private HttpClient Http { get; } = new();
    private SimulatedCluster _host = null!;
    private InProcessServer _server = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "host", Token = "token-host", Tls = true, Namespaces = 0, DeploymentsPerNamespace = 0, Nodes = 1 });
        var kubeconfig = _dir.File("host.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, _host.CreateKubeconfig("host"));
        _server = await InProcessServer.StartAsync(_dir.Path, "--host-kubeconfig", kubeconfig);
    }

    [Fact]
    public async Task CreateAndDelete_HostedMode_WrittenToOurDatabaseAndLoaded()
    {
        var seed = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plugins", "opengauss.lua"));
        var body = new JsonObject
        {
            ["apiVersion"] = "plugins.clusterpedia.io/v1alpha1",
            ["kind"] = "WorkloadPlugin",
            ["metadata"] = new JsonObject { ["name"] = "opengauss" },
            ["spec"] = new JsonObject { ["type"] = "lua", ["script"] = seed },
        };
        var runtime = _server.Services.GetRequiredService<IWorkloadPlugins>();
        var og = Encoding.UTF8.GetBytes("""{"ownerReferences":[{"apiVersion":"opengauss.sig/v1","kind":"OpenGaussCluster","name":"ogtest"}]}""");

        using (var created = await Http.PostAsync(new Uri(_server.Url, _collection), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(() => runtime.Resolve(og) == new WorkloadRef("StatefulSet", "ogtest"), "the plugin is loaded");

        using (var deleted = await Http.DeleteAsync(new Uri(_server.Url, _collection + "/opengauss")))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(() => runtime.Resolve(og) is null, "the plugin is unloaded");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Delete();
    }
}
