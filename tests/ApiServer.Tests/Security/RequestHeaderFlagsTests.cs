using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The front proxy configured by flags (standalone): X-Remote-* headers are believed only from a client certificate of
/// the requestheader CA with an allowed CN; the folded group line is split, so system:masters reaches the policy.
/// </summary>
public sealed class RequestHeaderFlagsTests
{
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";

    [Fact]
    public async Task FrontProxyFlags_AllowedProxyAndOthers_OnlyTheAllowedProxyIsBelieved()
    {
        var dir = new TempDirectory("clusterpedia-rh-");
        try
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=front-proxy-ca", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(dir.File("front-proxy-ca.crt"), ca.ExportCertificatePem());
            await using var server = await InProcessServer.StartSecureAsync(dir.Path,
                "--requestheader-client-ca-file", dir.File("front-proxy-ca.crt"), "--requestheader-allowed-names", "front-proxy-client");
            var serving = await File.ReadAllTextAsync(Path.Combine(dir.Path, "certs", "apiserver.crt"));
            using var proxyCert = Issue(ca, "front-proxy-client");
            using var otherCert = Issue(ca, "someone-else");
            using var proxy = TrustingHttp.Create(serving, proxyCert);
            using var other = TrustingHttp.Create(serving, otherCert);

            (await SendAsync(proxy, HttpMethod.Get, server.Url, ("X-Remote-User", "alice"))).ShouldBe(HttpStatusCode.OK);
            (await SendAsync(proxy, HttpMethod.Post, server.Url, ("X-Remote-User", "alice"))).ShouldBe(HttpStatusCode.Forbidden);
            (await SendAsync(proxy, HttpMethod.Post, server.Url, ("X-Remote-User", "alice"), ("X-Remote-Group", "devs,system:masters")))
                .ShouldNotBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
            (await SendAsync(proxy, HttpMethod.Get, server.Url)).ShouldBe(HttpStatusCode.Unauthorized);
            (await SendAsync(other, HttpMethod.Get, server.Url, ("X-Remote-User", "alice"))).ShouldBe(HttpStatusCode.Unauthorized);
        }
        finally
        {
            dir.Delete();
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, Uri server, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(server, _pediaClusters));
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"rh"}}""", Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(8));
        return TrustingHttp.ClientCertificate(issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
