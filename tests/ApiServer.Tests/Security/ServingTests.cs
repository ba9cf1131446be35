using System.Net;
using System.Security.Cryptography.X509Certificates;
using Clusterpedia.ApiServer.Tests.Aggregation;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// Serving: HTTPS by default, the given certificate replaced without a restart when its files change, a self-signed
/// pair generated and kept when none is given, plain HTTP refused without --insecure-http.
/// </summary>
public sealed class ServingTests
{
    [Fact]
    public async Task TlsCertFile_FilesReplaced_NewCertificateServedWithoutRestart()
    {
        var dir = new TempDirectory("clusterpedia-tls-");
        try
        {
            var first = ServingCertificate.For("localhost");
            var second = ServingCertificate.For("localhost");
            await File.WriteAllTextAsync(dir.File("tls.crt"), first.CertificatePem);
            await File.WriteAllTextAsync(dir.File("tls.key"), first.KeyPem);
            await using var server = await InProcessServer.StartSecureAsync(dir.Path,
                "--tls-cert-file", dir.File("tls.crt"), "--tls-private-key-file", dir.File("tls.key"));
            using var firstCert = X509Certificate2.CreateFromPem(first.CertificatePem);
            using var secondCert = X509Certificate2.CreateFromPem(second.CertificatePem);
            string? seen = null;
            // Both test CAs share a subject name, so the client pins the two serving certificates instead.
            using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                seen = (cert as X509Certificate2)?.Thumbprint;
                return seen == firstCert.Thumbprint || seen == secondCert.Thumbprint;
            };
            using var http = new HttpClient(handler);
            (await http.GetAsync(new Uri(server.Url, "/healthz"))).StatusCode.ShouldBe(HttpStatusCode.OK);
            seen.ShouldBe(firstCert.Thumbprint);

            await File.WriteAllTextAsync(dir.File("tls.key"), second.KeyPem);
            await File.WriteAllTextAsync(dir.File("tls.crt"), second.CertificatePem);
            File.SetLastWriteTimeUtc(dir.File("tls.crt"), DateTime.UtcNow.AddSeconds(5));

            await Eventually.UntilAsync(async () =>
            {
                (await http.GetAsync(new Uri(server.Url, "/healthz"))).StatusCode.ShouldBe(HttpStatusCode.OK);
                return seen == secondCert.Thumbprint;
            }, TimeSpan.FromSeconds(15), () => Task.FromResult($"the new certificate to be served; saw {seen}"));
        }
        finally
        {
            dir.Delete();
        }
    }

    [Fact]
    public async Task Start_NoCertificateGiven_SelfSignedPairGeneratedAndReused()
    {
        var dir = new TempDirectory("clusterpedia-tls-");
        try
        {
            string firstPem;
            await using (var server = await InProcessServer.StartSecureAsync(dir.Path, "--cert-dir", dir.File("pki")))
            {
                firstPem = await File.ReadAllTextAsync(Path.Combine(dir.File("pki"), "apiserver.crt"));
                using var http = TrustingHttp.Create(firstPem);
                (await http.GetAsync(new Uri(server.Url, "/healthz"))).StatusCode.ShouldBe(HttpStatusCode.OK);
                using var leaf = X509Certificate2.CreateFromPem(firstPem);
                leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().ShouldContain(IPAddress.Loopback);
            }

            await using (var again = await InProcessServer.StartSecureAsync(dir.Path, "--cert-dir", dir.File("pki")))
            {
                (await File.ReadAllTextAsync(Path.Combine(dir.File("pki"), "apiserver.crt"))).ShouldBe(firstPem);
            }
        }
        finally
        {
            dir.Delete();
        }
    }

    [Fact]
    public async Task Start_PlainHttpWithoutInsecureFlag_Refused()
    {
        var dir = new TempDirectory("clusterpedia-tls-");
        try
        {
            var e = await Should.ThrowAsync<InvalidOperationException>(() => InProcessServer.StartSecureAsync(dir.Path, "--urls", "http://127.0.0.1:0"));

            e.Message.ShouldContain("--insecure-http");
        }
        finally
        {
            dir.Delete();
        }
    }
}
