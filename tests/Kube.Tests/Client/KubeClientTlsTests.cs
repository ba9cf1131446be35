using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Tests.Client;

public sealed class KubeClientTlsTests
{
    private static Task OkAsync(int i, string head, Stream s, CancellationToken ct) =>
        RawHttpServer.WriteAsync(s, 200, """{"major":"1","minor":"33","gitVersion":"v1.33.1","platform":"linux/amd64"}""", cancellationToken: ct);

    [Fact]
    public async Task GetVersionAsync_TrustedCa_Succeeds()
    {
        using var certs = new TestCertificates();
        await using var server = new RawHttpServer(OkAsync, certs.Server);
        using var client = new KubeClient(new KubeClientOptions { Server = server.Url, CertificateAuthorityPem = certs.CaPem });

        (await client.GetVersionAsync(CancellationToken.None)).GitVersion.ShouldBe("v1.33.1");
    }

    [Fact]
    public async Task GetVersionAsync_WrongCa_FailsWithClearErrorAndNoRetry()
    {
        using var certs = new TestCertificates();
        using var other = new TestCertificates("CN=other-ca");
        await using var server = new RawHttpServer(OkAsync, certs.Server);
        using var client = new KubeClient(new KubeClientOptions { Server = server.Url, CertificateAuthorityPem = other.CaPem });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetVersionAsync(CancellationToken.None));

        e.Message.ShouldContain("certificate signed by unknown authority");
        server.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task GetVersionAsync_NoCaAndNotInsecure_FailsAgainstSystemStore()
    {
        using var certs = new TestCertificates();
        await using var server = new RawHttpServer(OkAsync, certs.Server);
        using var client = new KubeClient(new KubeClientOptions { Server = server.Url, MaxRetryAttempts = 0 });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetVersionAsync(CancellationToken.None));

        e.Message.ShouldContain("not trusted by the system store");
    }

    [Fact]
    public async Task GetVersionAsync_Insecure_SkipsVerification()
    {
        using var certs = new TestCertificates();
        await using var server = new RawHttpServer(OkAsync, certs.Server);
        using var client = new KubeClient(KubeClientOptions.FromPediaCluster(server.Url.ToString(), null, null, null, null));

        (await client.GetVersionAsync(CancellationToken.None)).Major.ShouldBe("1");
    }

    [Fact]
    public async Task GetVersionAsync_TlsServerName_VerifiesAgainstThatName()
    {
        using var certs = new TestCertificates();
        await using var server = new RawHttpServer(OkAsync, certs.Server);
        var url = new UriBuilder(server.Url) { Host = "localhost" }.Uri;
        using var mismatched = new KubeClient(new KubeClientOptions { Server = url, CertificateAuthorityPem = certs.CaPem, MaxRetryAttempts = 0 });
        using var named = new KubeClient(new KubeClientOptions { Server = url, CertificateAuthorityPem = certs.CaPem, TlsServerName = "kubernetes.default" });

        (await Should.ThrowAsync<KubeConnectionException>(() => mismatched.GetVersionAsync(CancellationToken.None)))
            .Message.ShouldContain("host name");
        (await named.GetVersionAsync(CancellationToken.None)).Major.ShouldBe("1");
    }

    [Theory]
    [InlineData("rsa-pkcs1")]
    [InlineData("rsa-pkcs8")]
    [InlineData("ec-sec1")]
    [InlineData("ec-pkcs8")]
    public async Task GetVersionAsync_ClientCertificate_IsPresented(string keyFormat)
    {
        using var certs = new TestCertificates();
        var (certPem, keyPem) = certs.CreateClient("alice", keyFormat);
        await using var server = new RawHttpServer(OkAsync, certs.Server, requireClientCertificate: true);
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = server.Url,
            CertificateAuthorityPem = certs.CaPem,
            ClientCertificatePem = certPem,
            ClientKeyPem = keyPem,
        });

        await client.GetVersionAsync(CancellationToken.None);

        server.LastClientSubject.ShouldBe("CN=alice");
    }
}
