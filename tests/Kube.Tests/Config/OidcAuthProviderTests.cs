using System.Text;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// A kubeconfig user with <c>auth-provider: oidc</c> against a simulator over real HTTPS that accepts only the
/// current id-token (its admin token), renewed at a real OIDC issuer in the test process; and the removed providers.
/// </summary>
public sealed class OidcAuthProviderTests : IAsyncLifetime
{
    private const string _namespaces = "/api/v1/namespaces";
    private const string _clientSecret = "client-secret-value";
    private const string _refreshToken = "refresh-token-value";

    // The id-token the cluster accepts: a JWT whose exp is far ahead.
    private static readonly string _currentIdToken = Jwt(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), "current");
    private SimulatedCluster _cluster = null!;
    private OidcIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Token = _currentIdToken, Namespaces = 1, RunControllers = false });
        _issuer = await OidcIssuer.StartAsync("clusterpedia", _clientSecret, _refreshToken, _currentIdToken);
    }

    public async Task DisposeAsync()
    {
        await _issuer.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task GetRawAsync_CurrentIdToken_SentWithoutAskingTheIssuer()
    {
        using var client = await ClientAsync(_currentIdToken, _refreshToken);

        await client.GetRawAsync(_namespaces, CancellationToken.None);

        _issuer.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task GetRawAsync_ExpiredIdToken_RefreshedAtTheIssuerOnce()
    {
        using var client = await ClientAsync(Jwt(DateTimeOffset.UtcNow.AddMinutes(-5), "expired"), _refreshToken);

        await client.GetRawAsync(_namespaces, CancellationToken.None);
        await client.GetRawAsync(_namespaces, CancellationToken.None);

        _issuer.Refreshes.ShouldBe(1, "the renewed id-token is kept in memory until it expires");
        ((OidcTokenSource)client.Options.BearerTokenSource!).Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task GetRawAsync_IdTokenRefusedWith401_RefreshedAndRetried()
    {
        // Not expired by its exp, but the cluster no longer accepts it (revoked, or from another issuer key).
        using var client = await ClientAsync(Jwt(DateTimeOffset.UtcNow.AddHours(1), "revoked"), _refreshToken);

        await client.GetRawAsync(_namespaces, CancellationToken.None);

        _issuer.Refreshes.ShouldBe(1);
    }

    [Fact]
    public async Task GetRawAsync_RefreshRefused_ErrorNamesTheIssuerAnswerButNoSecret()
    {
        using var client = await ClientAsync(Jwt(DateTimeOffset.UtcNow.AddMinutes(-5), "expired"), "refresh-token-the-issuer-forgot");

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));

        e.Message.ShouldContain("answered 400 (invalid_grant)");
        e.Message.ShouldNotContain("refresh-token-the-issuer-forgot");
        e.Message.ShouldNotContain(_clientSecret);
    }

    [Fact]
    public async Task GetRawAsync_ExpiredIdTokenWithoutRefreshToken_FailsSayingSo()
    {
        using var client = await ClientAsync(Jwt(DateTimeOffset.UtcNow.AddMinutes(-5), "expired"), refreshToken: null);

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));

        e.Message.ShouldContain("no refresh-token");
        _issuer.Requests.ShouldBe(0);
    }

    [Theory]
    [InlineData("gcp", "gke-gcloud-auth-plugin")]
    [InlineData("azure", "kubelogin")]
    [InlineData("openstack", "not supported")]
    public async Task ToOptionsAsync_RemovedAuthProvider_ErrorNamesTheExecPluginToUse(string provider, string named)
    {
        var config = Kubeconfig.Parse(KubeconfigYaml($"{{auth-provider: {{name: {provider}, config: {{}}}}}}"));

        var e = await Should.ThrowAsync<FormatException>(() => config.ToOptionsAsync(null, CancellationToken.None));

        e.Message.ShouldContain(named);
    }

    [Fact]
    public async Task ToOptionsAsync_OidcWithoutIssuer_FailsNamingTheField()
    {
        var config = Kubeconfig.Parse(KubeconfigYaml("{auth-provider: {name: oidc, config: {client-id: x, id-token: y}}}"));

        var e = await Should.ThrowAsync<FormatException>(() => config.ToOptionsAsync(null, CancellationToken.None));

        e.Message.ShouldContain("idp-issuer-url");
    }

    [Fact]
    public async Task ToOptionsAsync_ExecAndAuthProvider_RefusedAsMutuallyExclusive()
    {
        var config = Kubeconfig.Parse(KubeconfigYaml("{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true, interactiveMode: Never}, auth-provider: {name: oidc, config: {}}}"));
        config.ExecPlugins = ExecPluginPolicy.AllowAll;

        var e = await Should.ThrowAsync<FormatException>(() => config.ToOptionsAsync(null, CancellationToken.None));

        e.Message.ShouldContain("mutually exclusive");
    }

    private async Task<KubeClient> ClientAsync(string idToken, string? refreshToken)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(_issuer.CaPem));
        var refresh = refreshToken is null ? "" : $"refresh-token: {refreshToken}, ";
        var user = "{auth-provider: {name: oidc, config: {"
            + $"idp-issuer-url: \"{_issuer.Url}\", client-id: clusterpedia, client-secret: {_clientSecret}, id-token: \"{idToken}\", {refresh}"
            + $"idp-certificate-authority-data: \"{ca}\""
            + "}}}";
        var options = await Kubeconfig.Parse(KubeconfigYaml(user)).ToOptionsAsync(null, CancellationToken.None);
        options.BearerTokenSource.ShouldBeOfType<OidcTokenSource>();
        return new KubeClient(new KubeClientOptions
        {
            Server = options.Server,
            CertificateAuthorityPem = options.CertificateAuthorityPem,
            BearerTokenSource = options.BearerTokenSource,
            MaxRetryAttempts = 0,
        });
    }

    private string KubeconfigYaml(string user) => $$"""
        apiVersion: v1
        kind: Config
        current-context: sim
        clusters:
        - name: sim
          cluster: {server: "{{_cluster.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(_cluster.CaCertificatePem!))}}"}
        contexts:
        - name: sim
          context: {cluster: sim, user: u}
        users:
        - name: u
          user: {{user}}
        """;

    // An unsigned JWT: the client reads only exp, the simulator compares the whole string.
    private static string Jwt(DateTimeOffset expiry, string subject)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part($$"""{"sub":"{{subject}}","exp":{{expiry.ToUnixTimeSeconds()}}}""")}.c2ln";
    }
}
