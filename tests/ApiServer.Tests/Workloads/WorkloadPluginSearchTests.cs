using Clusterpedia.ApiServer.Tests.Plugins;

namespace Clusterpedia.ApiServer.Tests.Workloads;

/// <summary>
/// Issue #14's whole flow, end to end: pods owned by an openGauss cluster (a kind no built-in rule knows) are found as
/// StatefulSet ogtest once the seed's plugin, uploaded verbatim with pediactl, is loaded; deleting the plugin reverts
/// them. Real kubectl 1.27 and 1.33 search through the server; the member is a simulator.
/// </summary>
public sealed class WorkloadPluginSearchTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>, IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("clusterpedia-workload-plugin-");

    private static string SeedPluginPath => Path.Combine(AppContext.BaseDirectory, "plugins", "opengauss.lua");

    public void Dispose() => _dir.Delete();

    private static string Pod(string name) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: default
          ownerReferences:
          - {apiVersion: opengauss.sig/v1, kind: OpenGaussCluster, name: ogtest, uid: 5d3c2b1a-0000-4000-8000-00000000000{{name[^1]}}, controller: true}
        spec:
          containers: [{name: og, image: opengauss:5.0}]
        """;

    private static List<string> Names(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];

    private static async Task<List<string>> SearchAsync(Kubectl kubectl, string kind, string name)
    {
        var (code, stdout, stderr) = await kubectl.RunAsync("--cluster", "clusterpedia", "get", "pods", "-A", "-o", "name",
            "-l", $"search.clusterpedia.io/workload-kind={kind},search.clusterpedia.io/workload-name={name}");
        code.ShouldBe(0, stderr);
        return Names(stdout);
    }

    private static Task ExpectAsync(Kubectl kubectl, string kind, string name, List<string> expected)
    {
        List<string> found = [];
        return Eventually.UntilAsync(
            async () => (found = await SearchAsync(kubectl, kind, name)).SequenceEqual(expected),
            _timeout, () => Task.FromResult($"{kind}/{name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", found)}]"), TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task SeedOpenGaussPlugin_CreatedWithPediactl_PodsFoundAsStatefulSetUntilDeleted()
    {
        var manifest = _dir.File("ogtest.yaml");
        await File.WriteAllTextAsync(manifest, Pod("ogtest-0") + "\n---\n" + Pod("ogtest-1"));
        using var member = env.Kubectl();
        await member.OkAsync("--context", "member-cluster-1", "apply", "-f", manifest);
        List<string> pods = ["pod/ogtest-0", "pod/ogtest-1"];
        using var newest = env.Kubectl(Kubectl.Newest);
        using var oldest = env.Kubectl(Kubectl.Oldest);

        // Without a plugin, the owner no built-in rule knows is the workload as it is.
        await ExpectAsync(newest, "OpenGaussCluster", "ogtest", pods);
        (await SearchAsync(newest, "StatefulSet", "ogtest")).ShouldBeEmpty();

        await Pediactl.OkAsync(env.Kubeconfig, "plugin", "create", "--type", "lua", "--image", SeedPluginPath, "--name", "opengauss", "--user", "server");
        await ExpectAsync(newest, "StatefulSet", "ogtest", pods);
        (await SearchAsync(oldest, "StatefulSet", "ogtest")).ShouldBe(pods);
        (await SearchAsync(newest, "OpenGaussCluster", "ogtest")).ShouldBeEmpty();

        await Pediactl.OkAsync(env.Kubeconfig, "plugin", "delete", "opengauss");
        await ExpectAsync(newest, "OpenGaussCluster", "ogtest", pods);
        (await SearchAsync(oldest, "StatefulSet", "ogtest")).ShouldBeEmpty();
    }
}
