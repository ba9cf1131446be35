using System.Text;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>The PediaCluster API through real kubectl: the seed's v1alpha1 form, wait, edits, validation, deletion.</summary>
public sealed class PediaClusterLifecycleTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private async Task<string> WriteAsync(string name, string yaml)
    {
        var path = Path.Combine(Path.GetDirectoryName(env.Kubeconfig)!, name);
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private async Task<int> CountSearchAsync(string cluster)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, $"/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments?clusters={cluster}"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("items").GetArrayLength();
    }

    [Theory]
    [MemberData(nameof(KubectlSearchTests.Binaries), MemberType = typeof(KubectlSearchTests))]
    public async Task ApplySeedV1Alpha1_WaitReady_SearchThenDelete_RemovesData(string binary)
    {
        var name = "seed-" + Path.GetFileName(binary).Replace(".", "-", StringComparison.Ordinal);
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = name, Tls = true, Token = "seed-token", Seed = 7 });
        var kubectl = env.Kubectl(binary);
        var manifest = await WriteAsync(name + ".yaml", $"""
            apiVersion: clusters.clusterpedia.io/v1alpha1
            kind: PediaCluster
            metadata:
              name: {name}
            spec:
              apiserverURL: "{sim.Url.ToString().TrimEnd('/')}"
              caData: "{B64(sim.CaCertificatePem!)}"
              tokenData: "{B64(sim.Token!)}"
              certData: ""
              keyData: ""
              resources:
              - group: apps
                resources:
                - deployments
              - group: ""
                resources:
                - pods
            """);

        (await kubectl.OkAsync("apply", "-f", manifest)).ShouldContain($"pediacluster.clusters.clusterpedia.io/{name} created");

        // Re-applying works, but reads "configured", not "unchanged": kubectl sends its last-applied annotation with the
        // credentials in it, and the server strips them again (docs/security.md, "Credentials"). The spec is unchanged.
        (await kubectl.OkAsync("apply", "-f", manifest)).ShouldContain($"pediacluster.clusters.clusterpedia.io/{name} configured");
        (await kubectl.OkAsync("get", $"pediaclusters.v1alpha2.cluster.clusterpedia.io/{name}", "-o", "jsonpath={.metadata.generation}")).ShouldBe("1");
        await kubectl.OkAsync("wait", "--for=condition=Ready", $"pediacluster.cluster.clusterpedia.io/{name}", "--timeout=60s");

        // The same cluster is visible in both forms.
        var v1alpha1 = await kubectl.OkAsync("get", $"pediaclusters.v1alpha1.clusters.clusterpedia.io/{name}", "-o", "jsonpath={.spec.apiserverURL}");
        v1alpha1.ShouldBe(sim.Url.ToString().TrimEnd('/'));
        var v1alpha2 = await kubectl.OkAsync("get", $"pediaclusters.v1alpha2.cluster.clusterpedia.io/{name}", "-o", "jsonpath={.spec.apiserver}");
        v1alpha2.ShouldBe(sim.Url.ToString().TrimEnd('/'));

        (await CountSearchAsync(name)).ShouldBeGreaterThan(0);

        (await kubectl.OkAsync("delete", "pediacluster", name)).ShouldContain("deleted");
        await Eventually.UntilAsync(async () => await CountSearchAsync(name) <= 0, TimeSpan.FromSeconds(30), "the deleted cluster's objects were not removed",
            TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Apply_InvalidPediaCluster_Is422NamingTheField()
    {
        var manifest = await WriteAsync("invalid.yaml", """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: invalid
            spec:
              apiserver: "not a url"
              syncResources:
              - group: apps
                resources: []
            """);

        var (code, _, stderr) = await env.Kubectl().RunAsync("apply", "-f", manifest);

        code.ShouldNotBe(0);
        stderr.ShouldContain("spec.apiserver");
        stderr.ShouldContain("spec.syncResources[0].resources");
    }

    [Fact]
    public async Task Apply_UnknownField_IsRejectedByStrictValidation()
    {
        var manifest = await WriteAsync("unknown-field.yaml", """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: unknown-field
            spec:
              apiserver: "https://127.0.0.1:1"
              apiservr: "typo"
            """);

        var (code, _, stderr) = await env.Kubectl().RunAsync("apply", "-f", manifest);

        code.ShouldNotBe(0);
        stderr.ShouldContain("unknown field \"spec.apiservr\"");
    }

    [Fact]
    public async Task GetPediaCluster_OutputForms_Work()
    {
        var yaml = await env.Kubectl().OkAsync("get", "pediacluster", "cluster-1", "-o", "yaml");
        yaml.ShouldContain("kind: PediaCluster");
        yaml.ShouldContain("type: Ready");

        var version = await env.Kubectl().OkAsync("get", "pediacluster", "cluster-1", "-o", "jsonpath={.status.version}");
        version.ShouldStartWith("v1.");

        var wide = await env.Kubectl().OkAsync("get", "pediaclusters", "-o", "wide");
        wide.Split('\n')[0].ShouldContain("CLUSTERHEALTHY");
    }

    [Fact]
    public async Task EditSpec_WithStaleResourceVersion_Is409()
    {
        using var get = await env.Http.GetAsync(new Uri(env.Server, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1"));
        var current = await get.Content.ReadAsStringAsync();
        var stale = current.Replace("\"resourceVersion\":\"", "\"resourceVersion\":\"1", StringComparison.Ordinal);

        using var put = await env.Http.PutAsync(
            new Uri(env.Server, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/cluster-1"),
            new StringContent(stale, Encoding.UTF8, "application/json"));

        ((int)put.StatusCode).ShouldBe(409, await put.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(KubectlSearchTests.Binaries), MemberType = typeof(KubectlSearchTests))]
    public async Task ApplyServerSide_CreatesThenUpdates(string binary)
    {
        var name = "ssa-" + Path.GetFileName(binary).Replace(".", "-", StringComparison.Ordinal);
        var kubectl = env.Kubectl(binary);
        string Manifest(string server) => $"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: {name}
            spec:
              apiserver: "{server}"
              syncResources:
              - group: apps
                resources: [deployments]
            """;
        var path = await WriteAsync(name + ".yaml", Manifest("https://127.0.0.1:1"));

        (await kubectl.OkAsync("apply", "--server-side", "-f", path)).ShouldContain("serverside-applied");
        await File.WriteAllTextAsync(path, Manifest("https://127.0.0.1:2"));
        (await kubectl.OkAsync("apply", "--server-side", "-f", path)).ShouldContain("serverside-applied");

        (await kubectl.OkAsync("get", "pediacluster", name, "-o", "jsonpath={.spec.apiserver}")).ShouldBe("https://127.0.0.1:2");
        await kubectl.OkAsync("delete", "pediacluster", name);
    }

    [Theory]
    [MemberData(nameof(KubectlSearchTests.Binaries), MemberType = typeof(KubectlSearchTests))]
    public async Task Explain_PediaClusterSpec_ShowsSchema(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("explain", "pediacluster.spec");

        output.ShouldContain("KIND:       PediaCluster");
        output.ShouldContain("apiserver");
        output.ShouldContain("syncResources");
        output.ShouldContain("Which member cluster to import");
    }

    [Theory]
    [MemberData(nameof(KubectlSearchTests.Binaries), MemberType = typeof(KubectlSearchTests))]
    public async Task Explain_NestedFields_PrintTheirDescriptions(string binary)
    {
        var kubectl = env.Kubectl(binary);

        // kubectl wraps descriptions at its terminal width.
        async Task<string> ExplainAsync(string field) =>
            System.Text.RegularExpressions.Regex.Replace(await kubectl.OkAsync("explain", field), @"\s+", " ");

        (await ExplainAsync("pediacluster.spec.syncResources")).ShouldContain("Resources to sync, by group");
        (await ExplainAsync("pediacluster.status.conditions")).ShouldContain("Validated, SynchroRunning, ClusterHealthy and Ready");
        (await ExplainAsync("clustersyncresources.spec.syncResources")).ShouldContain("merged into the syncResources of each referring PediaCluster");
    }

    [Fact]
    public async Task Delete_WithDataFinalizer_MarksThenRemovesAfterCleanup()
    {
        const string url = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
        var body = """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"finalized"},"spec":{"apiserver":"https://127.0.0.1:1","syncResources":[{"group":"apps","resources":["deployments"]}]}}""";
        using var created = await env.Http.PostAsync(new Uri(env.Server, url), new StringContent(body, Encoding.UTF8, "application/json"));
        ((int)created.StatusCode).ShouldBe(201);
        using (var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
        {
            doc.RootElement.GetProperty("metadata").GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()).ShouldContain("clusterpedia.io/cluster-data");
        }

        using var deleted = await env.Http.DeleteAsync(new Uri(env.Server, url + "/finalized"));
        ((int)deleted.StatusCode).ShouldBe(200);

        await Eventually.UntilAsync(
            async () =>
            {
                using var get = await env.Http.GetAsync(new Uri(env.Server, url + "/finalized"));
                return (int)get.StatusCode == 404;
            },
            TimeSpan.FromSeconds(20), "the synchro manager did not finalize the deleted PediaCluster");
    }
}
