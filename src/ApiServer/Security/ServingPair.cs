using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// A generated CA and the serving certificate it signs, as PEM, the way kube's generic apiserver makes a self-signed
/// pair (certutil GenerateSelfSignedCertKey): a CA <c>clusterpedia-ca@&lt;unix time&gt;</c> (P-256, SHA-256) and a
/// serving certificate for the names given.
/// </summary>
internal sealed record ServingPair(string CaPem, string CertificatePem, string KeyPem)
{
    /// <summary>
    /// For the server's Service (&lt;service&gt;.&lt;namespace&gt;.svc and .svc.cluster.local) and loopback: what the
    /// install Secret holds as ca.crt, tls.crt and tls.key.
    /// </summary>
    public static ServingPair Generate(string service, string ns, DateTimeOffset now) =>
        Generate($"CN={service}.{ns}.svc", [$"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local", "localhost"], [IPAddress.Loopback], now, TimeSpan.FromDays(3650));

    /// <summary>A CA and a serving certificate for <paramref name="dnsNames"/> and <paramref name="addresses"/>, both valid for <paramref name="lifetime"/>.</summary>
    public static ServingPair Generate(string subject, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset now, TimeSpan lifetime)
    {
        var stamp = now.ToUnixTimeSeconds();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=clusterpedia-ca@{stamp}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now + lifetime);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var serving = request.Create(ca, now.AddMinutes(-5), now + lifetime, serial);
        return new ServingPair(ca.ExportCertificatePem() + "\n", serving.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
