using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// A new front-proxy CA, as an operator rotating the host's requestheader CA makes one, and the client certificate
/// it signs for the proxy (CN front-proxy-client, client authentication).
/// </summary>
internal sealed record ProxyCertificateAuthority(string CaPem, X509Certificate2 ProxyCertificate)
{
    public static ProxyCertificateAuthority Create(string commonName = "front-proxy-client")
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=rotated-front-proxy-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(1), [9, 4, 2, 7]);
        var client = TrustingHttp.ClientCertificate(signed.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        return new ProxyCertificateAuthority(ca.ExportCertificatePem() + "\n", client);
    }
}
