namespace Clusterpedia.ApiServer.Tests.Install;

/// <summary>
/// Every kustomization in deploy/ builds with the kustomize inside both pinned kubectl binaries, and the one-file install
/// deploy/clusterpedia.yaml is exactly the build of deploy/base (hack/gen-deploy.sh regenerates it).
/// </summary>
public sealed class KustomizeTests : IDisposable
{
    private readonly TempDirectory _dir = new("clusterpedia-kustomize-");

    public static TheoryData<string, string> Builds()
    {
        var data = new TheoryData<string, string>();
        foreach (var binary in new[] { Kubectl.Oldest, Kubectl.Newest })
        {
            foreach (var kustomization in InstallManifests.Kustomizations)
            {
                data.Add(binary, kustomization);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Builds))]
    public async Task Kustomize_Kustomization_Builds(string binary, string kustomization)
    {
        using var kubectl = new Kubectl(binary, _dir.File("kubeconfig"));

        var output = await kubectl.OkAsync("kustomize", InstallManifests.PathOf(kustomization));

        output.ShouldContain("kind: ");
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Kustomize_Base_EqualsCommittedOneFileInstall(string binary)
    {
        using var kubectl = new Kubectl(binary, _dir.File("kubeconfig"));

        var built = await kubectl.OkAsync("kustomize", InstallManifests.PathOf("deploy/base"));

        (await File.ReadAllTextAsync(InstallManifests.OneFile)).ShouldBe(built,
            "deploy/clusterpedia.yaml is out of date: run hack/gen-deploy.sh and commit the result");
    }

    [Fact]
    public async Task Kustomize_Local_NoDeploymentButWebhooksAndAnEndpoints()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, _dir.File("kubeconfig"));

        var kinds = Kinds(await kubectl.OkAsync("kustomize", InstallManifests.PathOf("deploy/overlays/local")));

        kinds.ShouldNotContain("Deployment");
        kinds.ShouldContain("ValidatingWebhookConfiguration");
        kinds.ShouldContain("MutatingWebhookConfiguration");
        kinds.ShouldContain("Endpoints");
        kinds.ShouldContain("APIService");
    }

    [Fact]
    public async Task Kustomize_Base_HasEveryObjectOfTheInstall()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, _dir.File("kubeconfig"));

        var kinds = Kinds(await kubectl.OkAsync("kustomize", InstallManifests.PathOf("deploy/base")));

        kinds.Distinct().Order(StringComparer.Ordinal).ShouldBe([
            "APIService", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition", "Deployment",
            "MutatingWebhookConfiguration", "Namespace", "Role", "RoleBinding", "Service", "ServiceAccount",
            "ValidatingWebhookConfiguration"]);
    }

    public void Dispose() => _dir.Delete();

    private static string[] Kinds(string yaml) =>
        yaml.Split('\n').Where(l => l.StartsWith("kind: ", StringComparison.Ordinal)).Select(l => l["kind: ".Length..].Trim()).ToArray();
}
