using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>End to end: the real kubectl binaries (oldest and newest the machine has) against the simulator.</summary>
public sealed class KubectlTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetPods_AllNamespaces_ListsEveryPod(string binary)
    {
        using var kubectl = new Kubectl(fixture.Cluster, binary);
        var pods = fixture.Cluster.Store.List(new(string.Empty, "v1", "pods"));

        var (exit, output, error) = await kubectl.RunAsync("get", "pods", "-A");

        exit.ShouldBe(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("NAMESPACE");
        lines.Length.ShouldBe(pods.Count + 1);
        foreach (var pod in pods)
        {
            output.ShouldContain(pod.Str("metadata.name"));
        }
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task GetDeployment_Json_ReturnsCoredns(string binary)
    {
        using var kubectl = new Kubectl(fixture.Cluster, binary);

        var (exit, output, error) = await kubectl.RunAsync("get", "deploy", "-n", "kube-system", "coredns", "-o", "json");

        exit.ShouldBe(0, error);
        var deployment = JsonNode.Parse(output)!;
        deployment.Str("kind").ShouldBe("Deployment");
        deployment.Str("metadata.name").ShouldBe("coredns");
        deployment["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task GetMissingPod_NotFoundMessage()
    {
        using var kubectl = new Kubectl(fixture.Cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("get", "pod", "-n", "default", "nope");

        exit.ShouldNotBe(0);
        error.ShouldContain("pods \"nope\" not found");
    }

    [Fact]
    public async Task ApiResources_ListsBuiltInResources()
    {
        using var kubectl = new Kubectl(fixture.Cluster, Kubectl.Newest);

        var (exit, output, error) = await kubectl.RunAsync("api-resources");

        exit.ShouldBe(0, error);
        output.ShouldContain("deployments");
        output.ShouldContain("apps/v1");
        output.ShouldContain("networkpolicies");
    }

    [Fact]
    public async Task GetPods_Table_PrintsServerColumns()
    {
        using var kubectl = new Kubectl(fixture.Cluster, Kubectl.Newest);

        var (exit, output, error) = await kubectl.RunAsync("get", "pods", "-n", "kube-system");

        exit.ShouldBe(0, error);
        var header = output.Split('\n')[0];
        header.ShouldContain("READY");
        header.ShouldContain("STATUS");
        header.ShouldContain("RESTARTS");
        output.ShouldContain("Running");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task Apply_WithValidation_CreatedUnchangedConfigured(string binary)
    {
        using var kubectl = new Kubectl(fixture.Cluster, binary);
        var name = "applied-" + Path.GetFileNameWithoutExtension(binary).Replace(".", string.Empty, StringComparison.Ordinal);
        var manifest = Path.Combine(Path.GetTempPath(), $"kubesim-apply-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\ndata:\n  a: \"1\"\n");
        try
        {
            // No --validate=false: kubectl finds fieldValidation in the OpenAPI documents and lets the server validate.
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, $"configmap/{name} created\n", string.Empty));
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, $"configmap/{name} unchanged\n", string.Empty));
            await File.WriteAllTextAsync(manifest, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\ndata:\n  a: \"2\"\n");
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, $"configmap/{name} configured\n", string.Empty));
            fixture.Cluster.Store.Get(new Clusterpedia.Kube.GroupVersionResource(string.Empty, "v1", "configmaps"), "default", name).Str("data.a").ShouldBe("2");
            (await kubectl.RunAsync("delete", "configmap", name, "-n", "default")).Stdout.ShouldContain("deleted");
        }
        finally
        {
            File.Delete(manifest);
        }
    }
}
