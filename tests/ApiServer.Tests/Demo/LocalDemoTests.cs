using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// The demo contract (PRODUCT.md, version 2) checked with real kubectl against what hack/local-up.sh started: PediaClusters
/// live in the host, searches go through the host's aggregation layer to our server, and the host answers RBAC questions
/// as kube-apiserver would.
/// </summary>
public sealed class LocalDemoTests(LocalDemo demo) : IClassFixture<LocalDemo>
{
    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetPediaClusters_CurrentContextIsTheHost_BothClustersReady(string binary)
    {
        using var kubectl = new Kubectl(binary, demo.Kubeconfig);

        var server = await kubectl.OkAsync("config", "view", "--minify", "-o", "jsonpath={.clusters[0].name}");
        var ready = await kubectl.OkAsync("get", "pediaclusters", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status} {end}");

        server.ShouldBe("host");
        ready.Trim().Split(' ').Order(StringComparer.Ordinal).ShouldBe(["cluster-1=True", "cluster-2=True"]);
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetDeployments_ClusterpediaThroughTheHost_BothClustersWithClusterColumn(string binary)
    {
        using var kubectl = new Kubectl(binary, demo.Kubeconfig);

        var output = await kubectl.OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A");
        var apiService = await kubectl.OkAsync("get", "apiservice", "v1beta1.clusterpedia.io",
            "-o", "jsonpath={.status.conditions[?(@.type==\"Available\")].status}");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
        lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Distinct().Order(StringComparer.Ordinal)
            .ShouldBe(["cluster-1", "cluster-2"]);
        apiService.ShouldBe("True");
    }

    [Fact]
    public async Task ApplyExample_PediaClusterYaml_CreatedInTheHost()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, demo.Kubeconfig);

        var applied = await kubectl.OkAsync("apply", "-f", Path.Combine(demo.Root, "examples", "pediacluster.yaml"));
        try
        {
            var finalizers = await kubectl.OkAsync("get", "pediacluster", "cluster-example", "-o", "jsonpath={.metadata.finalizers}");

            applied.ShouldContain("pediacluster.cluster.clusterpedia.io/cluster-example created");
            // The demo registers our mutating webhook in the host: the object comes back with the data finalizer.
            finalizers.ShouldContain("clusterpedia.io/cluster-data");
        }
        finally
        {
            await kubectl.OkAsync("delete", "pediacluster", "cluster-example", "--wait=false");
        }
    }

    [Fact]
    public async Task ApplyMalformedPediaCluster_ToTheHost_RefusedByOurWebhookNamingTheField()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, demo.Kubeconfig);
        var manifest = Path.Combine(Path.GetTempPath(), "bad-pediacluster-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: bad-cert
            spec:
              apiserver: "https://10.0.0.1:6443"
              certData: "YQ=="
              syncResources: [{group: "", resources: [pods]}]
            """);
        try
        {
            var (code, _, stderr) = await kubectl.RunAsync("apply", "-f", manifest);

            code.ShouldNotBe(0);
            // A client certificate without its key: a rule of ours the CRD's schema cannot express, so the refusal is
            // our validating webhook's (kubectl prints a 422's causes, not the webhook-prefixed message).
            stderr.ShouldContain("keyData", Case.Sensitive, stderr);
            (await kubectl.RunAsync("get", "pediacluster", "bad-cert")).ExitCode.ShouldNotBe(0);
        }
        finally
        {
            File.Delete(manifest);
        }
    }

    [Theory]
    [InlineData("list", "pods", "no")]
    [InlineData("list", "resources.clusterpedia.io", "yes")]
    [InlineData("create", "pediaclusters.cluster.clusterpedia.io", "no")]
    public async Task AuthCanI_AsViewer_AnswersFromHostRbac(string verb, string resource, string expected)
    {
        using var kubectl = new Kubectl(Kubectl.Newest, demo.Kubeconfig);

        var (_, stdout, _) = await kubectl.RunAsync("auth", "can-i", verb, resource, "--as", "viewer");

        stdout.Trim().ShouldBe(expected);
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetPods_ViewerThroughTheHost_OnlyCluster1DefaultWhileAdminSeesAll(string binary)
    {
        using var kubectl = new Kubectl(binary, demo.Kubeconfig);

        var viewer = Rows(await kubectl.OkAsync("--context", "viewer", "--cluster", "clusterpedia", "get", "pods", "-A", "--chunk-size", "1"));
        var admin = Rows(await kubectl.OkAsync("--cluster", "clusterpedia", "get", "pods", "-A"));

        // The viewer is bound to view only in cluster-1's default namespace (member RBAC, synced and evaluated per user).
        viewer.ShouldNotBeEmpty();
        viewer.ShouldAllBe(r => r.Namespace == "default" && r.Cluster == "cluster-1");
        admin.Where(r => r.Namespace == "default" && r.Cluster == "cluster-1").Select(r => r.Name).Order(StringComparer.Ordinal)
            .ShouldBe(viewer.Select(r => r.Name).Order(StringComparer.Ordinal));
        admin.Select(r => r.Cluster).Distinct().Order(StringComparer.Ordinal).ShouldBe(["cluster-1", "cluster-2"]);
    }

    [Fact]
    public async Task RawLists_ViewerThroughTheHost_RemainingCountAndCollectionOnlyWhatTheViewerSees()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, demo.Kubeconfig);
        var visible = Rows(await kubectl.OkAsync("--context", "viewer", "--cluster", "clusterpedia", "get", "pods", "-A")).Count;

        var page = JsonNode.Parse(await kubectl.OkAsync("--context", "viewer", "get", "--raw", "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?limit=1"))!;
        var collection = JsonNode.Parse(await kubectl.OkAsync("--context", "viewer", "get", "--raw", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads"))!;

        // remainingItemCount counts what this user may see, not the whole table.
        visible.ShouldBeGreaterThan(1);
        page["items"]!.AsArray().Count.ShouldBe(1);
        page["metadata"]!["remainingItemCount"]!.GetValue<long>().ShouldBe(visible - 1);
        // The hello deployment (and its ReplicaSet) in cluster-1/default, nothing of cluster-2 or other namespaces.
        var items = collection["items"]!.AsArray();
        items.ShouldNotBeEmpty();
        items.ShouldAllBe(i => i!["metadata"]!["namespace"]!.GetValue<string>() == "default"
            && i["metadata"]!["annotations"]!["shadow.clusterpedia.io/cluster-name"]!.GetValue<string>() == "cluster-1");
        items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ShouldContain("hello");
    }

    private static List<(string Namespace, string Cluster, string Name)> Rows(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(c => (c[0], c[1], c[2]))];
}
