using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Tests.EndToEnd;

namespace Clusterpedia.ApiServer.Tests.Admission;

/// <summary>
/// Real kubectl against a host cluster whose admission webhooks are our server's (<see cref="AdmissionEnvironment"/>):
/// what our standalone API refuses, the host refuses with our field paths; what it accepts comes back with the
/// defaults our API sets.
/// </summary>
public sealed class AdmissionEndToEndTests(AdmissionEnvironment env) : IClassFixture<AdmissionEnvironment>
{
    [Theory]
    [MemberData(nameof(MalformedPediaClusters.Bodies), MemberType = typeof(MalformedPediaClusters))]
    public async Task Apply_MalformedPediaCluster_RefusedNamingTheField(string body, string mention)
    {
        var obj = JsonNode.Parse(body)!.AsObject();
        obj["apiVersion"] = "cluster.clusterpedia.io/v1alpha2";
        obj["kind"] = "PediaCluster";
        var file = env.File($"malformed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, obj.ToJsonString());
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", file);

        exit.ShouldNotBe(0);
        error.ShouldContain(mention, Case.Insensitive);
        var stored = (await kubectl.RunAsync("get", "pediaclusters", "-o", "name")).Stdout;
        stored.ShouldNotContain("/" + obj["metadata"]!["name"]!.GetValue<string>() + "\n");
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_InvalidApiserverUrl_KubectlPrintsOurCause(string binary)
    {
        var name = "bad-url-" + Path.GetFileName(binary).Replace(".", "-", StringComparison.Ordinal);
        var file = await WriteAsync($"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata: {"{"}name: {name}{"}"}
            spec: {"{"}apiserver: "ftp://member"{"}"}
            """);
        using var kubectl = new Kubectl(binary, env.Kubeconfig);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", file);

        exit.ShouldNotBe(0);
        error.ShouldContain($"The PediaCluster \"{name}\" is invalid");
        error.ShouldContain("spec.apiserver: Invalid value: \"ftp://member\": must be an absolute http or https URL");
    }

    [Fact]
    public async Task Apply_LegacyPediaClusterWithoutServer_RefusedNamingV1Alpha1Field()
    {
        var file = await WriteAsync("""
            apiVersion: clusters.clusterpedia.io/v1alpha1
            kind: PediaCluster
            metadata: {name: legacy-bad}
            spec: {caData: "%%%"}
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", file);

        exit.ShouldNotBe(0);
        error.ShouldContain("spec.caData: Invalid value: must be base64-encoded");
        error.ShouldContain("spec.apiserverURL: Required value");
    }

    [Theory]
    [InlineData("cluster.clusterpedia.io/v1alpha2", "apiserver", "syncResources", "good-v2")]
    [InlineData("clusters.clusterpedia.io/v1alpha1", "apiserverURL", "resources", "good-v1")]
    public async Task Apply_GoodPediaCluster_ComesBackWithDataFinalizer(string apiVersion, string serverField, string resourcesField, string name)
    {
        var file = await WriteAsync($"""
            apiVersion: {apiVersion}
            kind: PediaCluster
            metadata: {"{"}name: {name}, finalizers: [example.com/keep]{"}"}
            spec:
              {serverField}: "https://127.0.0.1:1"
              {resourcesField}:
              - group: apps
                resources: [deployments]
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);

        // The create's answer is the object as admitted: the finalizer is the webhook's, not a later writer's.
        var created = JsonNode.Parse(await kubectl.OkAsync("create", "-f", file, "-o", "json"))!;
        var yaml = await kubectl.OkAsync("get", "pediacluster." + apiVersion.Split('/')[0], name, "-o", "yaml");

        created["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["example.com/keep", "clusterpedia.io/cluster-data"]);
        yaml.ShouldContain("- clusterpedia.io/cluster-data");
        await kubectl.OkAsync("patch", "pediacluster." + apiVersion.Split('/')[0], name, "--type", "json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        await kubectl.OkAsync("delete", "pediacluster." + apiVersion.Split('/')[0], name, "--wait=false");
    }

    [Fact]
    public async Task Patch_GoodPediaClusterBroken_UpdateRefused()
    {
        var file = await WriteAsync("""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata: {name: to-break}
            spec: {apiserver: "https://127.0.0.1:1"}
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);
        await kubectl.OkAsync("apply", "-f", file);

        var (exit, _, error) = await kubectl.RunAsync("patch", "pediacluster", "to-break", "--type", "merge", "-p", """{"spec":{"tokenData":"not base64!"}}""");

        exit.ShouldNotBe(0);
        error.ShouldContain("spec.tokenData: Invalid value: must be base64-encoded");
        (await kubectl.OkAsync("get", "pediacluster", "to-break", "-o", "jsonpath={.spec.tokenData}")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("[{group: apps, resources: []}]", "spec.syncResources[0].resources: Required value")]
    [InlineData("[{group: apps, resources: [\"\"]}]", "spec.syncResources[0].resources: Invalid value: every entry must be a non-empty resource name")]
    public async Task Apply_MalformedClusterSyncResources_RefusedNamingTheField(string syncResources, string expected)
    {
        var file = await WriteAsync($"""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: ClusterSyncResources
            metadata: {"{"}name: bad-sync{"}"}
            spec:
              syncResources: {syncResources}
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", file);

        exit.ShouldNotBe(0);
        error.ShouldContain(expected);
    }

    [Fact]
    public async Task Apply_GoodClusterSyncResources_CreatedUnchanged()
    {
        var file = await WriteAsync("""
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: ClusterSyncResources
            metadata: {name: good-sync}
            spec:
              syncResources:
              - group: apps
                resources: [deployments]
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, env.Kubeconfig);

        await kubectl.OkAsync("apply", "-f", file);
        var finalizers = await kubectl.OkAsync("get", "clustersyncresources", "good-sync", "-o", "jsonpath={.metadata.finalizers}");

        finalizers.ShouldBeEmpty();
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var file = env.File($"object-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }
}
