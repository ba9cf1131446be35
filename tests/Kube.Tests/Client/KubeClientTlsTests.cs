using System.Diagnostics;
using System.Security.Cryptography;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>The client against the simulator over real HTTPS: server verification and both ways of authenticating.</summary>
public sealed class KubeClientTlsTests : IAsyncLifetime, IDisposable
{
    private const string _token = "tls-token";
    private const string _namespaces = "/api/v1/namespaces";

    private readonly SimulatorLog _log = new();
    private SimulatedCluster? _cluster;

    private SimulatedCluster Cluster => _cluster ?? throw new InvalidOperationException("simulator not started");

    public async Task InitializeAsync() => _cluster = await StartAsync("sim", _token, _log);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task ListPageAsync_TokenAndClusterCa_Succeeds()
    {
        using var client = new KubeClient(new KubeClientOptions { Server = Cluster.Url, CertificateAuthorityPem = Cluster.CaCertificatePem, BearerToken = _token });

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        Cluster.Url.Scheme.ShouldBe("https");
        page.Kind.ShouldBe("NamespaceList");
        page.Items.Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ListPageAsync_WrongToken_ThrowsUnauthorizedWithoutRetry()
    {
        using var client = new KubeClient(new KubeClientOptions { Server = Cluster.Url, CertificateAuthorityPem = Cluster.CaCertificatePem, BearerToken = "not-the-token" });

        var e = await Should.ThrowAsync<KubeApiException>(() => client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None));

        (e.StatusCode, e.Reason).ShouldBe((401, "Unauthorized"));
        (await _log.WaitForRequestsAsync(_namespaces, 1)).ShouldBe([401]);
    }

    [Theory]
    [InlineData("pkcs8")]
    [InlineData("sec1")]
    public async Task ListPageAsync_ClientCertificateFromClusterCa_Authenticates(string keyEncoding)
    {
        // The simulator authorizes with RBAC once TLS is on: system:masters lets alice list namespaces.
        var (certificatePem, keyPem) = Cluster.IssueClientCertificate("alice", "developers", "system:masters");
        // The simulator issues EC keys as PKCS#8; openssl-made kubeconfigs often carry the same key as SEC1.
        keyPem = keyEncoding == "sec1" ? ToSec1(keyPem) : keyPem;
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            CertificateAuthorityPem = Cluster.CaCertificatePem,
            ClientCertificatePem = certificatePem,
            ClientKeyPem = keyPem,
        });

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task ListPageAsync_ClientCertificateFromAnotherCa_ThrowsUnauthorized()
    {
        await using var other = await StartAsync("other", token: null, log: null);
        var (certificatePem, keyPem) = other.IssueClientCertificate("mallory");
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            CertificateAuthorityPem = Cluster.CaCertificatePem,
            ClientCertificatePem = certificatePem,
            ClientKeyPem = keyPem,
        });

        var e = await Should.ThrowAsync<KubeApiException>(() => client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None));

        e.StatusCode.ShouldBe(401);
    }

    [Fact]
    public async Task ToOptionsAsync_SimulatorKubeconfig_ConnectsWithCaAndToken()
    {
        var options = await Kubeconfig.Parse(Cluster.CreateKubeconfig()).ToOptionsAsync(null, CancellationToken.None);
        using var client = new KubeClient(options);

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        (options.CertificateAuthorityPem, options.BearerToken).ShouldBe((Cluster.CaCertificatePem, _token));
        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task ToOptionsAsync_SimulatorKubeconfigWithoutToken_ConnectsWithClientCertificate()
    {
        await using var certOnly = await StartAsync("cert-only", token: null, log: null);
        var options = await Kubeconfig.Parse(certOnly.CreateKubeconfig()).ToOptionsAsync(null, CancellationToken.None);
        using var client = new KubeClient(options);

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        options.BearerToken.ShouldBeNull();
        options.ClientCertificatePem.ShouldNotBeNull();
        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task GetVersionAsync_WrongCa_FailsAtOnceWithClearErrorAndNoRetry()
    {
        await using var other = await StartAsync("other", token: null, log: null);
        // Backoff of minutes: a retry would still be waiting when the test's deadline cancels the call.
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            CertificateAuthorityPem = other.CaCertificatePem,
            BearerToken = _token,
            MaxRetryAttempts = 4,
            RetryBaseDelay = TimeSpan.FromMinutes(5),
            RetryMaxDelay = TimeSpan.FromMinutes(5),
        });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetVersionAsync(deadline.Token));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        e.Message.ShouldContain("certificate signed by unknown authority");
        e.Message.ShouldContain(Cluster.Url.Authority);
        _log.Connections.ShouldBe(1);
        _log.StatusCodes("/version").ShouldBeEmpty();
    }

    [Fact]
    public async Task GetVersionAsync_NoCaAndNotInsecure_FailsAgainstSystemStore()
    {
        using var client = new KubeClient(new KubeClientOptions { Server = Cluster.Url, MaxRetryAttempts = 0 });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetVersionAsync(CancellationToken.None));

        e.Message.ShouldContain("not trusted by the system store");
    }

    [Fact]
    public async Task ListPageAsync_PediaClusterWithoutCaData_SkipsVerification()
    {
        var tokenData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_token));
        using var client = new KubeClient(KubeClientOptions.FromPediaCluster(Cluster.Url.ToString(), null, tokenData, null, null));

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        client.Options.InsecureSkipTlsVerify.ShouldBeTrue();
        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task ListPageAsync_TlsServerNameInCertificate_VerifiesAgainstThatName()
    {
        // An address the serving certificate does not name: only tls-server-name makes it verifiable.
        var url = new UriBuilder(Cluster.Url) { Host = "[::ffff:127.0.0.1]" }.Uri;
        using var plain = new KubeClient(new KubeClientOptions { Server = url, CertificateAuthorityPem = Cluster.CaCertificatePem, BearerToken = _token, MaxRetryAttempts = 0 });
        using var named = new KubeClient(new KubeClientOptions
        {
            Server = url,
            CertificateAuthorityPem = Cluster.CaCertificatePem,
            BearerToken = _token,
            TlsServerName = "kubernetes.default.svc",
        });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => plain.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None));
        var page = await named.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        e.Message.ShouldContain("host name");
        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task ListPageAsync_TlsServerName_IsTheSniTheServerSees()
    {
        using var named = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            CertificateAuthorityPem = Cluster.CaCertificatePem,
            BearerToken = _token,
            TlsServerName = "kubernetes.default.svc",
        });

        var page = await named.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        page.Kind.ShouldBe("NamespaceList");
        Cluster.ServerNamesSeen.ShouldNotBeEmpty();
        Cluster.ServerNamesSeen.ShouldAllBe(name => name == "kubernetes.default.svc");
    }

    [Fact]
    public async Task ListPageAsync_TlsServerNameNotInCertificate_FailsNamingIt()
    {
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            CertificateAuthorityPem = Cluster.CaCertificatePem,
            BearerToken = _token,
            TlsServerName = "api.elsewhere.example",
        });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None));

        e.Message.ShouldContain("tls-server-name \"api.elsewhere.example\"");
    }

    private static Task<SimulatedCluster> StartAsync(string name, string? token, SimulatorLog? log)
    {
        var options = new SimulatorOptions { ClusterName = name, Port = 0, Tls = true, Token = token, Namespaces = 1, RunControllers = false };
        return log is null ? SimulatedCluster.StartAsync(options) : SimulatedCluster.StartAsync(options, log.Factory);
    }

    private static string ToSec1(string pkcs8Pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pkcs8Pem);
        return key.ExportECPrivateKeyPem();
    }
}
