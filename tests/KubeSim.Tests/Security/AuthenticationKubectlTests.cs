namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>Authentication as real kubectl sees it: whoami, ServiceAccount tokens, TokenReview and SubjectAccessReview.</summary>
public sealed class AuthenticationKubectlTests(SecuredClusterFixture fixture) : IClassFixture<SecuredClusterFixture>
{
    public static TheoryData<string> Binaries => new() { Kubectl.Oldest, Kubectl.Newest };

    [Fact]
    public async Task AuthWhoami_Viewer_ShowsTokenFileUser()
    {
        // kubectl 1.27 asks for authentication.k8s.io/v1alpha1 or v1beta1; like a 1.33 apiserver, the simulator serves v1.
        using var kubectl = fixture.Kubectl(Kubectl.Newest);

        var output = await kubectl.OkAsync("--context", "nobody", "auth", "whoami");

        output.ShouldContain("Username    nobody");
        output.ShouldContain("UID         uid-nobody");
        output.ShouldContain("Groups      [team-a team-b system:authenticated]");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task CreateToken_ServiceAccount_AuthenticatesUntilDeleted(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);
        var name = "robot-" + binary[^4..].Replace(".", string.Empty, StringComparison.Ordinal);
        await kubectl.OkAsync("create", "serviceaccount", name, "-n", "default");

        var token = (await kubectl.OkAsync("create", "token", name, "-n", "default")).Trim();
        var asRobot = await kubectl.RunAsync("--context", "viewer", "--token", token, "get", "secrets", "-n", "default");
        await kubectl.OkAsync("create", "rolebinding", name, "--clusterrole", "view", "--serviceaccount", $"default:{name}", "-n", "default");
        var allowed = await kubectl.RunAsync("--context", "viewer", "--token", token, "get", "pods", "-n", "default");
        await kubectl.OkAsync("delete", "serviceaccount", name, "-n", "default");
        var deleted = await kubectl.RunAsync("--context", "viewer", "--token", token, "get", "pods", "-n", "default");

        token.Split('.').Length.ShouldBe(3, "a JWT");
        asRobot.Stderr.ShouldContain($"secrets is forbidden: User \"system:serviceaccount:default:{name}\" cannot list resource \"secrets\"");
        allowed.ExitCode.ShouldBe(0, allowed.Stderr);
        deleted.ExitCode.ShouldBe(1);
        deleted.Stderr.ShouldContain("Unauthorized");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task CreateToken_DurationUnderTenMinutes_InvalidLikeUpstream(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);
        await kubectl.RunAsync("create", "serviceaccount", "short-lived", "-n", "default");

        var result = await kubectl.RunAsync("create", "token", "short-lived", "-n", "default", "--duration", "5m");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task CreateTokenReview_ViewerToken_AuthenticatedWithUser(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);
        var manifest = fixture.WriteManifest("tokenreview.yaml", $"""
            apiVersion: authentication.k8s.io/v1
            kind: TokenReview
            spec:
              token: {SecuredClusterFixture.ViewerToken}
            """);

        var output = await kubectl.OkAsync("create", "-f", manifest, "-o", "yaml");

        output.ShouldContain("kind: TokenReview");
        output.ShouldContain("authenticated: true");
        output.ShouldContain("username: viewer");
        output.ShouldContain("uid: uid-viewer");
        output.ShouldContain("- system:authenticated");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task CreateSubjectAccessReview_Viewer_AllowedWithRbacReason(string binary)
    {
        using var kubectl = fixture.Kubectl(binary);
        var allowed = fixture.WriteManifest("sar-allowed.yaml", """
            apiVersion: authorization.k8s.io/v1
            kind: SubjectAccessReview
            spec:
              user: viewer
              resourceAttributes: {namespace: default, verb: list, resource: pods}
            """);
        var denied = fixture.WriteManifest("sar-denied.yaml", """
            apiVersion: authorization.k8s.io/v1
            kind: SubjectAccessReview
            spec:
              user: viewer
              resourceAttributes: {namespace: default, verb: delete, resource: pods, name: web}
            """);

        var yes = await kubectl.OkAsync("create", "-f", allowed, "-o", "json");
        var no = await kubectl.OkAsync("create", "-f", denied, "-o", "json");

        yes.ShouldContain("\"allowed\": true");
        yes.ShouldContain("\"reason\": \"RBAC: allowed by RoleBinding \\\"viewer-view/default\\\" of ClusterRole \\\"view\\\" to User \\\"viewer\\\"\"");
        no.ShouldContain("\"allowed\": false");
    }
}
