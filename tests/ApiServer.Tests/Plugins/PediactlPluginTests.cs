using System.Text;
using Clusterpedia.ApiServer.Tests.Security;
using Clusterpedia.ClusterSynchro.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>
/// <c>pediactl plugin create|list|delete</c> against the real secure server, with deepflow-ctl's flags and the
/// seed's openGauss plugin file verbatim; errors come back as kubectl prints them, with exit code 1.
/// </summary>
public sealed class PediactlPluginTests(StandaloneServer server) : IClassFixture<StandaloneServer>
{
    private const string _ogMetadata = """{"name":"ogtest-0","ownerReferences":[{"apiVersion":"opengauss.sig/v1","kind":"OpenGaussCluster","name":"ogtest","uid":"u"}]}""";

    private static string SeedPluginPath => Path.Combine(AppContext.BaseDirectory, "plugins", "opengauss.lua");

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> KubeconfigAsync(string token)
    {
        using var kubectl = await server.KubectlAsync(token);
        return kubectl.KubeconfigPath;
    }

    private IWorkloadPlugins Runtime => server.Server.Services.GetRequiredService<IWorkloadPlugins>();

    [Fact]
    public async Task PluginCreateListDelete_SeedPlugin_LoadsAndUnloads()
    {
        var kubeconfig = await KubeconfigAsync(StandaloneServer.AdminToken);
        var name = Unique("hello");

        (await Pediactl.OkAsync(kubeconfig, "plugin", "create", "--type", "lua", "--image", SeedPluginPath, "--name", name, "--user", "server"))
            .ShouldBe($"workloadplugin.plugins.clusterpedia.io/{name} created\n");

        await Eventually.UntilAsync(async () => (await Pediactl.OkAsync(kubeconfig, "plugin", "list")).Split('\n').Any(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(" true ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "plugin list shows the plugin loaded");
        var list = await Pediactl.OkAsync(kubeconfig, "plugin", "list");
        list.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["NAME", "TYPE", "USER", "LOADED", "DISABLED", "CALLS", "FAILURES", "ERROR", "CREATED_AT"]);
        Runtime.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)).ShouldBe(new WorkloadRef("StatefulSet", "ogtest"));

        (await Pediactl.OkAsync(kubeconfig, "plugin", "create", "--type", "lua", "--image", SeedPluginPath, "--name", name)).ShouldContain("replaced");

        (await Pediactl.OkAsync(kubeconfig, "plugin", "delete", name)).ShouldBe($"workloadplugin.plugins.clusterpedia.io \"{name}\" deleted\n");
        (await Pediactl.OkAsync(kubeconfig, "plugin", "list")).ShouldNotContain(name);
        await Eventually.TrueAsync(() => Runtime.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)) is null, "the deleted plugin is unloaded");
    }

    [Fact]
    public async Task PluginCreate_BadScript_PrintsStatusAndExits1()
    {
        var kubeconfig = await KubeconfigAsync(StandaloneServer.AdminToken);
        var file = Path.Combine(server.Directory, "bad.lua");
        await File.WriteAllTextAsync(file, "function GetWorkloadTypeAndName(m)\n  return 'a' 'b'\nend\n");

        var (code, stdout, stderr) = await Pediactl.RunAsync(kubeconfig, "plugin", "create", "--type", "lua", "--image", file, "--name", "bad");

        code.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith("Error from server (Invalid): WorkloadPlugin.plugins.clusterpedia.io \"bad\" is invalid: spec.script: Invalid value: \"line 2\"");
    }

    [Fact]
    public async Task PluginDelete_Unknown_IsNotFound()
    {
        var kubeconfig = await KubeconfigAsync(StandaloneServer.AdminToken);

        var (code, _, stderr) = await Pediactl.RunAsync(kubeconfig, "plugin", "delete", "nope");

        code.ShouldBe(1);
        stderr.ShouldStartWith("Error from server (NotFound):");
        stderr.ShouldContain("\"nope\" not found");
    }

    [Fact]
    public async Task PluginCreate_Viewer_IsForbidden()
    {
        var kubeconfig = await KubeconfigAsync(StandaloneServer.ViewerToken);

        var (code, _, stderr) = await Pediactl.RunAsync(kubeconfig, "plugin", "create", "--type", "lua", "--image", SeedPluginPath, "--name", Unique("v"));

        code.ShouldBe(1);
        stderr.ShouldStartWith("Error from server (Forbidden):");
    }

    [Fact]
    public async Task PluginCreate_MissingFileOrKubeconfig_IsAnError()
    {
        var kubeconfig = await KubeconfigAsync(StandaloneServer.AdminToken);

        var (code, _, stderr) = await Pediactl.RunAsync(kubeconfig, "plugin", "create", "--type", "lua", "--image", "/nonexistent.lua", "--name", "x");
        code.ShouldBe(1);
        stderr.ShouldContain("error: the plugin file \"/nonexistent.lua\" does not exist");

        (code, _, stderr) = await Pediactl.RunAsync("/nonexistent-kubeconfig", "plugin", "list");
        code.ShouldBe(1);
        stderr.ShouldContain("does not exist");
    }
}
