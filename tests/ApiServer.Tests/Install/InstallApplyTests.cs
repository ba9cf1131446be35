using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Install;

/// <summary>
/// The install applied with real kubectl (1.27 and 1.33) to a simulated host cluster (HTTPS, RBAC with kube-apiserver's
/// bootstrap policy, aggregation, admission) as its administrator: every object is accepted, a server-side dry run of
/// the file and of each overlay validates against the host, and the ServiceAccount may do what the server needs and no
/// more.
/// </summary>
public sealed class InstallApplyTests
{
    // Every object of deploy/clusterpedia.yaml, as kubectl apply names them.
    private static readonly string[] _objects =
    [
        "namespace/clusterpedia-system",
        "customresourcedefinition.apiextensions.k8s.io/pediaclusters.cluster.clusterpedia.io",
        "customresourcedefinition.apiextensions.k8s.io/clustersyncresources.cluster.clusterpedia.io",
        "customresourcedefinition.apiextensions.k8s.io/pediaclusters.clusters.clusterpedia.io",
        "serviceaccount/clusterpedia-apiserver",
        "role.rbac.authorization.k8s.io/clusterpedia-apiserver",
        "clusterrole.rbac.authorization.k8s.io/clusterpedia-apiserver",
        "rolebinding.rbac.authorization.k8s.io/clusterpedia-apiserver",
        "rolebinding.rbac.authorization.k8s.io/clusterpedia-apiserver:extension-apiserver-authentication-reader",
        "clusterrolebinding.rbac.authorization.k8s.io/clusterpedia-apiserver",
        "clusterrolebinding.rbac.authorization.k8s.io/clusterpedia-apiserver:system:auth-delegator",
        "configmap/clusterpedia-config",
        "service/clusterpedia-apiserver",
        "deployment.apps/clusterpedia-apiserver",
        "apiservice.apiregistration.k8s.io/v1beta1.clusterpedia.io",
        "mutatingwebhookconfiguration.admissionregistration.k8s.io/clusterpedia",
        "validatingwebhookconfiguration.admissionregistration.k8s.io/clusterpedia",
    ];

    private const string _serverAccount = "system:serviceaccount:clusterpedia-system:clusterpedia-apiserver";

    public static TheoryData<string> Binaries => new() { Kubectl.Oldest, Kubectl.Newest };

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Apply_OneFileInstall_EveryObjectCreated(string binary)
    {
        await using var host = await StartHostAsync();
        using var kubectl = new Kubectl(host, binary);

        var output = await kubectl.OkAsync("apply", "-f", InstallManifests.OneFile);
        var again = await kubectl.OkAsync("apply", "-f", InstallManifests.OneFile);

        foreach (var name in _objects)
        {
            output.ShouldContain(name + " created");
            again.ShouldContain(name + " unchanged");
        }

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(_objects.Length, output);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task ApplyDryRunServer_OneFileInstallOverItself_EveryObjectValidated(string binary)
    {
        await using var host = await StartHostAsync();
        using var kubectl = new Kubectl(host, binary);
        await kubectl.OkAsync("apply", "-f", InstallManifests.OneFile);

        var output = await kubectl.OkAsync("apply", "--dry-run=server", "-f", InstallManifests.OneFile);

        foreach (var name in _objects)
        {
            output.ShouldContain(name + " unchanged (server dry run)");
        }
    }

    [Theory]
    [InlineData("deploy/overlays/sqlite")]
    [InlineData("deploy/overlays/postgres")]
    [InlineData("deploy/overlays/local")]
    [InlineData("deploy/member-rbac")]
    public async Task ApplyDryRunServer_Overlay_AcceptedAndNothingWritten(string kustomization)
    {
        await using var host = await StartHostAsync();
        using var kubectl = new Kubectl(host, Kubectl.Newest);
        await kubectl.OkAsync("apply", "-f", InstallManifests.OneFile);
        var before = host.Store.CurrentResourceVersion;

        var output = await kubectl.OkAsync("apply", "--dry-run=server", "-k", InstallManifests.PathOf(kustomization));

        output.ShouldContain("(server dry run)");
        output.ShouldNotContain("error", Case.Insensitive);
        host.Store.CurrentResourceVersion.ShouldBe(before);
    }

    [Fact]
    public async Task ApplyOverlay_Sqlite_DeploymentUsesTheClaim()
    {
        await using var host = await StartHostAsync();
        using var kubectl = new Kubectl(host, Kubectl.Newest);

        await kubectl.OkAsync("apply", "-k", InstallManifests.PathOf("deploy/overlays/sqlite"));
        var claim = await kubectl.OkAsync("get", "deployment", "clusterpedia-apiserver", "-n", "clusterpedia-system",
            "-o", "jsonpath={.spec.template.spec.volumes[?(@.name==\"data\")].persistentVolumeClaim.claimName}");
        var pvc = await kubectl.OkAsync("get", "pvc", "-n", "clusterpedia-system", "-o", "name");

        claim.ShouldBe("clusterpedia-apiserver-data");
        pvc.Trim().ShouldBe("persistentvolumeclaim/clusterpedia-apiserver-data");
    }

    [Theory]
    [InlineData("create tokenreviews.authentication.k8s.io", "yes")]
    [InlineData("create subjectaccessreviews.authorization.k8s.io", "yes")]
    [InlineData("get configmaps/extension-apiserver-authentication -n kube-system", "yes")]
    [InlineData("get configmaps/kubeadm-config -n kube-system", "no")]
    [InlineData("watch pediaclusters.cluster.clusterpedia.io", "yes")]
    [InlineData("patch pediaclusters.cluster.clusterpedia.io/status", "yes")]
    [InlineData("delete pediaclusters.cluster.clusterpedia.io", "no")]
    [InlineData("list secrets -n clusterpedia-system", "yes")]
    [InlineData("create secrets -n clusterpedia-system", "yes")]
    [InlineData("update secrets/clusterpedia-apiserver-certs -n clusterpedia-system", "yes")]
    [InlineData("update secrets/other -n clusterpedia-system", "no")]
    [InlineData("get secrets -n default", "no")]
    [InlineData("patch apiservices.apiregistration.k8s.io/v1beta1.clusterpedia.io", "yes")]
    [InlineData("patch apiservices.apiregistration.k8s.io/v1.apps", "no")]
    [InlineData("update validatingwebhookconfigurations.admissionregistration.k8s.io/clusterpedia", "yes")]
    [InlineData("patch mutatingwebhookconfigurations.admissionregistration.k8s.io/clusterpedia", "yes")]
    [InlineData("patch mutatingwebhookconfigurations.admissionregistration.k8s.io/someone-else", "no")]
    public async Task AuthCanI_ServerServiceAccountAfterInstall_AsTheInstallGrants(string request, string expected)
    {
        await using var host = await StartHostAsync();
        using var kubectl = new Kubectl(host, Kubectl.Newest);
        await kubectl.OkAsync("apply", "-f", InstallManifests.OneFile);

        var (_, stdout, stderr) = await kubectl.RunAsync(["auth", "can-i", .. request.Split(' '), "--as", _serverAccount]);

        stdout.Trim().ShouldBe(expected, $"can-i {request}: {stderr}");
    }

    private static Task<SimulatedCluster> StartHostAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Namespaces = 0, Nodes = 1 });
}
