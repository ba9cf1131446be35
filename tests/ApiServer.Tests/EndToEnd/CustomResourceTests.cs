namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>Custom resources end to end: a real CRD in a member cluster, synced, searched, printed with its columns.</summary>
public sealed class CustomResourceTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private static string Fixture(string name)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Clusterpedia.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        return Path.Combine(root, "tests", "KubeSim.Tests", "Fixtures", name);
    }

    [Fact]
    public async Task CloneSets_SyncedFromMemberCrd_PrintWithCrdColumns()
    {
        var kubectl = env.Kubectl();
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-f", Fixture("apps.kruise.io_clonesets.yaml"));
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-n", "default", "-f", Fixture("apps_v1alpha1_cloneset.yaml"));
        await kubectl.OkAsync("patch", "pediacluster", "cluster-1", "--type", "merge", "-p",
            """{"spec":{"syncResources":[{"group":"apps","resources":["deployments","replicasets"]},{"group":"","resources":["pods","namespaces"]},{"group":"apps.kruise.io","resources":["clonesets"]}]}}""");

        var output = "";
        await Eventually.UntilAsync(
            async () =>
            {
                var (code, stdout, stderr) = await kubectl.RunAsync("--cluster", "clusterpedia", "get", "clonesets", "-A");
                output = stdout + stderr;
                return code == 0 && stdout.Contains("cluster-1", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(60), () => Task.FromResult($"clonesets were not searchable in time; last output:\n{output}"), TimeSpan.FromMilliseconds(500));

        var header = output.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        header.ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "DESIRED", "UPDATED", "UPDATED_READY", "UPDATED_AVAILABLE", "READY", "TOTAL", "AGE"]);
    }
}
