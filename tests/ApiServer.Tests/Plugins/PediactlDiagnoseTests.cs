namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>
/// <c>pediactl diagnose</c> and <c>rbac</c> on a member whose pods are owned by OpenKruise and openGauss kinds the
/// server does not sync: the missing kinds counted with the platform guess, the syncResources to add (OpenKruise's
/// both statefulsets groups) and the ClusterRole rules the member credentials need.
/// </summary>
public sealed class PediactlDiagnoseTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private static string Pod(string name, string apiVersion, string kind, string owner) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: default
          ownerReferences:
          - apiVersion: {{apiVersion}}
            kind: {{kind}}
            name: {{owner}}
            uid: 00000000-0000-0000-0000-{{Math.Abs(name.GetHashCode(StringComparison.Ordinal)):D12}}
            controller: true
        spec:
          containers:
          - name: main
            image: nginx
        ---

        """;

    [Fact]
    public async Task Diagnose_PodsOfUnsyncedOwnerKinds_NamesKindsResourcesAndRules()
    {
        var manifest = Path.Combine(Path.GetDirectoryName(env.Kubeconfig)!, "owned-pods.yaml");
        await File.WriteAllTextAsync(manifest,
            Pod("sample-a", "apps.kruise.io/v1alpha1", "CloneSet", "sample")
            + Pod("sample-b", "apps.kruise.io/v1alpha1", "CloneSet", "sample")
            + Pod("web-0", "apps.kruise.io/v1beta1", "StatefulSet", "web")
            + Pod("ogtest-0", "opengauss.sig/v1", "OpenGaussCluster", "ogtest")
            + Pod("ogtest-1", "opengauss.sig/v1", "OpenGaussCluster", "ogtest"));
        var kubectl = env.Kubectl();
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-f", manifest);
        await Eventually.UntilAsync(
            async () => (await kubectl.RunAsync("--cluster", "cluster-1", "get", "pods", "-n", "default", "ogtest-1")).ExitCode == 0,
            TimeSpan.FromSeconds(60), "the owned pods are synced");

        var output = await Pediactl.OkAsync(env.Kubeconfig, "diagnose", "cluster-1");

        var rows = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.ShouldContain(r => r.SequenceEqual(new[] { "apps.kruise.io/v1alpha1", "CloneSet", "2", "OpenKruise" }), output);
        rows.ShouldContain(r => r.SequenceEqual(new[] { "apps.kruise.io/v1beta1", "StatefulSet", "1", "OpenKruise" }), output);
        rows.ShouldContain(r => r.SequenceEqual(new[] { "opengauss.sig/v1", "OpenGaussCluster", "2", "openGauss" }), output);
        output.ShouldContain("  - group: apps.kruise.io\n    resources: [clonesets, statefulsets]");
        output.ShouldContain("  - group: opengauss.sig\n    resources: [opengaussclusters]");
        output.ShouldContain("keep group apps, resource statefulsets synced as well");
        output.ShouldNotContain("ReplicaSet");

        var rbac = await Pediactl.OkAsync(env.Kubeconfig, "rbac", "cluster-1");

        rbac.ShouldStartWith("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n");
        rbac.ShouldContain("- apiGroups:\n  - opengauss.sig\n  resources:\n  - opengaussclusters\n  verbs:\n  - get\n  - list\n  - watch\n");
        rbac.ShouldContain("  - clonesets\n  - statefulsets\n");

        // What pediactl prints is a ClusterRole kubectl accepts.
        var role = Path.Combine(Path.GetDirectoryName(env.Kubeconfig)!, "role.yaml");
        await File.WriteAllTextAsync(role, rbac);
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "--dry-run=server", "-f", role);
    }

    [Fact]
    public async Task Diagnose_UnknownCluster_IsNotFound()
    {
        var (code, _, stderr) = await Pediactl.RunAsync(env.Kubeconfig, "diagnose", "no-such-cluster");

        code.ShouldBe(1);
        stderr.ShouldStartWith("Error from server (NotFound):");
    }
}
