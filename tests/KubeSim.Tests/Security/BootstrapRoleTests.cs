namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>
/// kube-apiserver's bootstrap namespaced Role kube-system/extension-apiserver-authentication-reader exists at start, so
/// an aggregated API server's install only binds it (as deploy/base does) instead of shipping the Role itself.
/// </summary>
public sealed class BootstrapRoleTests(SecuredClusterFixture fixture) : IClassFixture<SecuredClusterFixture>
{
    [Fact]
    public async Task GetRole_ExtensionApiserverAuthenticationReader_BootstrappedInKubeSystem()
    {
        using var kubectl = fixture.Kubectl(Kubectl.Newest);

        var rules = await kubectl.OkAsync("get", "role", "extension-apiserver-authentication-reader", "-n", "kube-system",
            "-o", "jsonpath={.rules[0].resources[0]}/{.rules[0].resourceNames[0]}/{.rules[0].verbs}");
        var label = await kubectl.OkAsync("get", "role", "extension-apiserver-authentication-reader", "-n", "kube-system",
            "-o", "jsonpath={.metadata.labels.kubernetes\\.io/bootstrapping}");

        rules.ShouldBe("configmaps/extension-apiserver-authentication/[\"get\",\"list\",\"watch\"]");
        label.ShouldBe("rbac-defaults");
    }

    [Fact]
    public async Task RoleBinding_ToBootstrapReader_LetsTheUserReadTheAuthenticationConfigMapOnly()
    {
        using var kubectl = fixture.Kubectl(Kubectl.Newest);
        await kubectl.OkAsync("create", "rolebinding", "nobody-auth-reader", "-n", "kube-system",
            "--role", "extension-apiserver-authentication-reader", "--user", "nobody");

        var allowed = await kubectl.RunAsync("--context", "nobody", "get", "configmap", "extension-apiserver-authentication", "-n", "kube-system", "-o", "name");
        var other = await kubectl.RunAsync("--context", "nobody", "get", "configmaps", "-n", "kube-system");

        allowed.ExitCode.ShouldBe(0, allowed.Stderr);
        allowed.Stdout.Trim().ShouldBe("configmap/extension-apiserver-authentication");
        other.ExitCode.ShouldNotBe(0);
        other.Stderr.ShouldContain("User \"nobody\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"");
    }
}
