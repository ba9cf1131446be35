using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>A throwaway CA with a server certificate for 127.0.0.1 and client certificates, made per test run.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly RSA _caKey = RSA.Create(2048);

    public TestCertificates(string caName = "CN=test-ca")
    {
        var now = DateTimeOffset.UtcNow;
        var request = new CertificateRequest(caName, _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var server = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("kubernetes.default");
        server.CertificateExtensions.Add(san.Build());
        server.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = Sign(server);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>A client certificate signed by the CA, as PEM, with the key in the requested encoding.</summary>
    public (string CertificatePem, string KeyPem) CreateClient(string commonName, string keyFormat)
    {
        AsymmetricAlgorithm key = keyFormat.StartsWith("rsa", StringComparison.Ordinal) ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (key)
        {
            var request = key is RSA rsa
                ? new CertificateRequest($"CN={commonName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest($"CN={commonName}", (ECDsa)key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var cert = Sign(request);
            var keyPem = keyFormat switch
            {
                "rsa-pkcs1" => ((RSA)key).ExportRSAPrivateKeyPem(),
                "ec-sec1" => ((ECDsa)key).ExportECPrivateKeyPem(),
                _ => key.ExportPkcs8PrivateKeyPem(),
            };
            return (cert.ExportCertificatePem(), keyPem);
        }
    }

    // The CA key is RSA while leaf keys may be EC: sign through a generator for the CA's algorithm.
    private X509Certificate2 Sign(CertificateRequest request)
    {
        var now = DateTimeOffset.UtcNow;
        return request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForRSA(_caKey, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        _caKey.Dispose();
    }
}
