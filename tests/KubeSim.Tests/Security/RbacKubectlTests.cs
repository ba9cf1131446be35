namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>RBAC as real kubectl (1.27 and 1.33) sees it: auth can-i, Forbidden messages, impersonation, aggregation.</summary>
public sealed class RbacKubectlTests(SecuredClusterFixture fixture) : IClassFixture<SecuredClusterFixture>
{
    public static TheoryData<string> Binaries => new() { Kubectl.Oldest, Kubectl.Newest };

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task AuthCanI_AsViewer_AnswersAsRbacSays(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);

        var pods = await kubectl.RunAsync("auth", "can-i", "list", "pods", "--as", "viewer", "-n", "default");
        var secrets = await kubectl.RunAsync("auth", "can-i", "list", "secrets", "--as", "viewer", "-n", "default");
        var elsewhere = await kubectl.RunAsync("auth", "can-i", "list", "pods", "--as", "viewer", "-n", "kube-system");
        var self = await kubectl.RunAsync("--context", "viewer", "auth", "can-i", "watch", "deployments.apps", "-n", "default");

        (pods.ExitCode, pods.Stdout.Trim()).ShouldBe((0, "yes"), pods.Stderr);
        (secrets.ExitCode, secrets.Stdout.Trim()).ShouldBe((1, "no"), secrets.Stderr);
        (elsewhere.ExitCode, elsewhere.Stdout.Trim()).ShouldBe((1, "no"), elsewhere.Stderr);
        (self.ExitCode, self.Stdout.Trim()).ShouldBe((0, "yes"), self.Stderr);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task AuthCanIList_Viewer_ListsBasicUserAndViewRules(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);

        var output = await kubectl.OkAsync("--context", "viewer", "auth", "can-i", "--list", "-n", "default");

        var lines = output.Split('\n');
        lines.ShouldContain(l => l.StartsWith("selfsubjectaccessreviews.authorization.k8s.io ", StringComparison.Ordinal) && l.EndsWith("[create]", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("pods ", StringComparison.Ordinal) && l.EndsWith("[get list watch]", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("deployments.apps ", StringComparison.Ordinal) && l.EndsWith("[get list watch]", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains("[/api/*]", StringComparison.Ordinal) && l.EndsWith("[get]", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.StartsWith("secrets ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Get_ViewerOnSecretsOrAnotherNamespace_ForbiddenWithUpstreamMessage(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);

        var pods = await kubectl.RunAsync("--context", "viewer", "get", "pods", "-n", "default");
        var secrets = await kubectl.RunAsync("--context", "viewer", "get", "secrets", "-n", "default");
        var elsewhere = await kubectl.RunAsync("--context", "viewer", "get", "configmap", "coredns", "-n", "kube-system");

        pods.ExitCode.ShouldBe(0, pods.Stderr);
        secrets.ExitCode.ShouldBe(1);
        secrets.Stderr.ShouldContain(
            "Error from server (Forbidden): secrets is forbidden: User \"viewer\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"");
        elsewhere.ExitCode.ShouldBe(1);
        elsewhere.Stderr.ShouldContain(
            "Error from server (Forbidden): configmaps \"coredns\" is forbidden: User \"viewer\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Impersonate_WithoutTheRight_Forbidden(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);

        // get --raw skips discovery; a plain get fails in discovery first, where kubectl prints "Forbidden: unknown"
        // against a real kube-apiserver too (its discovery client does not decode the Status).
        var user = await kubectl.RunAsync("--context", "viewer", "get", "--raw", "/api/v1/namespaces/default/pods", "--as", "admin");
        var group = await kubectl.RunAsync("--context", "viewer", "get", "--raw", "/api/v1/namespaces/default/pods", "--as", "viewer", "--as-group", "system:masters");
        var plain = await kubectl.RunAsync("--context", "viewer", "get", "pods", "-n", "default", "--as", "admin");

        plain.ExitCode.ShouldBe(1);
        plain.Stderr.ShouldContain("Error from server (Forbidden)");
        user.ExitCode.ShouldBe(1);
        user.Stderr.ShouldContain("users \"admin\" is forbidden: User \"viewer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
        group.ExitCode.ShouldBe(1);
        group.Stderr.ShouldContain("users \"viewer\" is forbidden: User \"viewer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Impersonate_AdminAsViewer_ActsWithViewersRights(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);

        var secrets = await kubectl.RunAsync("get", "secrets", "-n", "default", "--as", "viewer");

        secrets.ExitCode.ShouldBe(1);
        secrets.Stderr.ShouldContain("secrets is forbidden: User \"viewer\" cannot list resource \"secrets\"");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task ViewClusterRole_NewClusterRoleLabelledAggregateToView_PickedUp(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);
        var name = "widgets-" + binary[^4..].Replace(".", string.Empty, StringComparison.Ordinal);
        var manifest = fixture.WriteManifest(name + ".yaml", $"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: {name}
              labels:
                rbac.authorization.k8s.io/aggregate-to-view: "true"
            rules:
            - apiGroups: ["coordination.k8s.io"]
              resources: ["leases"]
              resourceNames: ["{name}"]
              verbs: ["get"]
            """);

        await kubectl.OkAsync("create", "-f", manifest);

        await Eventually.UntilAsync(
            async () => (await kubectl.RunAsync("get", "clusterrole", "view", "-o", "yaml")).Stdout.Contains(name, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            async () => "view never got the new rule: " + (await kubectl.RunAsync("get", "clusterrole", "view", "-o", "yaml")).Stdout);
        var canGet = await kubectl.RunAsync("auth", "can-i", "get", $"leases/{name}", "--as", "viewer", "-n", "default");
        canGet.Stdout.Trim().ShouldBe("yes", canGet.Stderr);
        var edit = await kubectl.OkAsync("get", "clusterrole", "edit", "-o", "yaml");
        edit.ShouldContain(name, customMessage: "edit aggregates view, so it picks the rule up too");
    }
}
