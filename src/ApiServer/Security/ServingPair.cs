using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// A generated CA and the serving certificate it signs for the server's Service (&lt;service&gt;.&lt;namespace&gt;.svc
/// and .svc.cluster.local) and loopback, as PEM: what the install Secret holds as ca.crt, tls.crt and tls.key.
/// </summary>
internal sealed record ServingPair(string CaPem, string CertificatePem, string KeyPem)
{
    public static ServingPair Generate(string service, string ns, DateTimeOffset now)
    {
        var stamp = now.ToUnixTimeSeconds();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=clusterpedia-ca@{stamp}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={service}.{ns}.svc", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName($"{service}.{ns}.svc");
        names.AddDnsName($"{service}.{ns}.svc.cluster.local");
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var serving = request.Create(ca, now.AddMinutes(-5), now.AddYears(10), serial);
        return new ServingPair(ca.ExportCertificatePem() + "\n", serving.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
