using System.Text;
using Clusterpedia.ApiServer.Tests.Security;
using Clusterpedia.ClusterSynchro.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>
/// WorkloadPlugins (plugins.clusterpedia.io/v1alpha1) through real kubectl against the secure standalone server:
/// created from the seed's openGauss script, listed with their status columns, watched, refused with the Lua error
/// and line when the script is bad, refused to users who may not update PediaClusters, and unloaded on delete.
/// </summary>
public sealed class WorkloadPluginApiTests(StandaloneServer server) : IClassFixture<StandaloneServer>
{
    private const string _ogMetadata = """{"name":"ogtest-0","ownerReferences":[{"apiVersion":"opengauss.sig/v1","kind":"OpenGaussCluster","name":"ogtest","uid":"u"}]}""";

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private string Manifest(string name, string script)
    {
        var indented = string.Join("\n", script.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => "    " + l));
        var path = Path.Combine(server.Directory, name + ".yaml");
        File.WriteAllText(path, $"""
            apiVersion: plugins.clusterpedia.io/v1alpha1
            kind: WorkloadPlugin
            metadata:
              name: {name}
            spec:
              type: lua
              user: server
              script: |
            {indented}
            """);
        return path;
    }

    private static string SeedPlugin() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugins", "opengauss.lua"));

    private IWorkloadPlugins Runtime => server.Server.Services.GetRequiredService<IWorkloadPlugins>();

    [Fact]
    public async Task Create_SeedPlugin_ListedLoadedAndResolving()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var name = Unique("og");

        await kubectl.OkAsync("apply", "-f", Manifest(name, SeedPlugin()));

        await Eventually.UntilAsync(async () => (await kubectl.OkAsync("get", "workloadplugins", name, "-o", "jsonpath={.status.loaded}")) == "true",
            TimeSpan.FromSeconds(20), "the plugin's status says loaded");
        var table = await kubectl.OkAsync("get", "wp");
        table.ShouldContain("NAME");
        table.ShouldContain("LOADED");
        table.ShouldContain(name);
        table.ShouldContain("True");
        Runtime.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)).ShouldBe(new WorkloadRef("StatefulSet", "ogtest"));

        await kubectl.OkAsync("delete", "workloadplugin", name);

        await Eventually.TrueAsync(() => Runtime.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)) is null, "the deleted plugin is unloaded");
        (await kubectl.RunAsync("get", "workloadplugin", name)).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Status_PluginLoopsForever_ErrorAndDisabledShown()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var name = Unique("a-loop");
        await kubectl.OkAsync("apply", "-f", Manifest(name, "function GetWorkloadTypeAndName(m)\n  while true do end\nend"));
        await Eventually.UntilAsync(async () => (await kubectl.OkAsync("get", "workloadplugins", name, "-o", "jsonpath={.status.loaded}")) == "true",
            TimeSpan.FromSeconds(20), "the plugin is loaded");

        // Every call runs over its budget and answers "not handled"; the fifth in a row disables the plugin.
        for (var i = 0; i < 5; i++)
        {
            Runtime.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)).ShouldBeNull();
        }

        await Eventually.UntilAsync(async () => (await kubectl.OkAsync("get", "workloadplugins", name, "-o", "jsonpath={.status.disabled}")) == "true",
            TimeSpan.FromSeconds(20), "the status says disabled");
        var error = await kubectl.OkAsync("get", "workloadplugins", name, "-o", "jsonpath={.status.error} {.status.errorLine}");
        // Which budget runs out first depends on the machine's speed: 5,000,000 instructions or 250 ms.
        error.ShouldMatch($"^{name}:2: (instruction budget exceeded \\(5000000 instructions\\)|timeout exceeded) 2$");
        await kubectl.OkAsync("delete", "workloadplugin", name);
    }

    [Fact]
    public async Task Create_SyntaxError_Is422WithTheLuaLine()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var name = Unique("bad");

        var (code, _, stderr) = await kubectl.RunAsync("create", "-f", Manifest(name, "function GetWorkloadTypeAndName(m)\n  return 'a' 'b'\nend"));

        code.ShouldBe(1);
        stderr.ShouldContain($"WorkloadPlugin \"{name}\" is invalid");
        stderr.ShouldContain("spec.script: Invalid value: \"line 2\"");
        stderr.ShouldContain($"{name}:2:");
    }

    [Fact]
    public async Task Create_NoFunctionOrWrongType_Is422NamingTheField()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var name = Unique("nofn");

        var (code, _, stderr) = await kubectl.RunAsync("create", "-f", Manifest(name, "local x = 1"));

        code.ShouldBe(1);
        stderr.ShouldContain("does not define function GetWorkloadTypeAndName");

        var path = Manifest(Unique("wasm"), "x").Replace(".yaml", "", StringComparison.Ordinal);
        File.WriteAllText(path + ".yaml", File.ReadAllText(path + ".yaml").Replace("type: lua", "type: wasm", StringComparison.Ordinal));
        (code, _, stderr) = await kubectl.RunAsync("create", "-f", path + ".yaml");
        code.ShouldBe(1);
        stderr.ShouldContain("spec.type: Unsupported value: \"wasm\"");
    }

    [Fact]
    public async Task Create_ScriptOverTheLimit_Is422NamingTheLimit()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var script = "function GetWorkloadTypeAndName(m) return '', '' end\n" + string.Concat(Enumerable.Repeat("-- padding padding padding padding padding padding\n", 1400));

        var (code, _, stderr) = await kubectl.RunAsync("create", "-f", Manifest(Unique("big"), script));

        code.ShouldBe(1);
        stderr.ShouldContain("spec.script: Too long: may not be more than 65536 bytes");
    }

    [Fact]
    public async Task Create_Viewer_IsForbidden()
    {
        using var viewer = await server.KubectlAsync(StandaloneServer.ViewerToken);

        var (code, _, stderr) = await viewer.RunAsync("create", "-f", Manifest(Unique("v"), SeedPlugin()));

        code.ShouldBe(1);
        stderr.ShouldContain("forbidden");
        (await viewer.OkAsync("get", "workloadplugins")).ShouldNotContain("Error from server");
    }

    [Fact]
    public async Task Watch_CreatedPlugin_IsStreamed()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);
        var name = Unique("watched");
        using var watch = kubectl.Start("get", "workloadplugins", "--watch-only", "-o", "name");
        await Task.Delay(TimeSpan.FromSeconds(1));

        await kubectl.OkAsync("apply", "-f", Manifest(name, SeedPlugin()));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? line;
        do
        {
            line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.Contains(name, StringComparison.Ordinal));

        watch.Kill();
        line.ShouldBe($"workloadplugin.plugins.clusterpedia.io/{name}");
        await kubectl.OkAsync("delete", "workloadplugin", name);
    }

    [Fact]
    public async Task Explain_Describes_TheScriptField()
    {
        using var kubectl = await server.KubectlAsync(StandaloneServer.AdminToken);

        var text = await kubectl.OkAsync("explain", "workloadplugins.spec.script");

        text.ShouldContain("GetWorkloadTypeAndName");
    }
}
