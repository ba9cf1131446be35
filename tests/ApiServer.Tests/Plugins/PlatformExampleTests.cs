namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>
/// examples/platforms/*.yaml stay valid: each PediaCluster is accepted by the server and each ClusterRole and binding
/// by a member cluster (server-side dry runs with real kubectl).
/// </summary>
public sealed class PlatformExampleTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private static string Example(string name)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Clusterpedia.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        return Path.Combine(root, "examples", "platforms", name);
    }

    [Theory]
    [InlineData("openshift.yaml")]
    [InlineData("openkruise.yaml")]
    [InlineData("opengauss.yaml")]
    public async Task Apply_PlatformExample_ServerAndMemberAccept(string file)
    {
        var kubectl = env.Kubectl();
        var documents = (await File.ReadAllTextAsync(Example(file))).Split("\n---\n");
        var dir = Path.GetDirectoryName(env.Kubeconfig)!;
        var server = Path.Combine(dir, "server-" + file);
        var member = Path.Combine(dir, "member-" + file);
        await File.WriteAllTextAsync(server, string.Join("\n---\n", documents.Where(d => d.Contains("kind: PediaCluster", StringComparison.Ordinal))));
        await File.WriteAllTextAsync(member, string.Join("\n---\n", documents.Where(d => !d.Contains("kind: PediaCluster", StringComparison.Ordinal))));

        (await kubectl.OkAsync("apply", "--dry-run=server", "-f", server)).ShouldContain("pediacluster.cluster.clusterpedia.io/");
        (await kubectl.OkAsync("--context", "member-cluster-1", "apply", "--dry-run=server", "-f", member)).ShouldContain("clusterrole.rbac.authorization.k8s.io/");
    }
}
