using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>
/// PEM client keys the simulator cannot issue (it mints EC keys only; those are tested over HTTPS in
/// <see cref="KubeClientTlsTests"/>): RSA in PKCS#1 and PKCS#8 must load into a certificate TLS can sign with.
/// </summary>
public sealed class ClientCertificateLoadingTests
{
    [Theory]
    [InlineData("rsa-pkcs1")]
    [InlineData("rsa-pkcs8")]
    public void LoadClientCertificate_RsaKeyEncoding_CertificateSignsWithItsKey(string keyEncoding)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=alice, O=developers", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var issued = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var keyPem = keyEncoding == "rsa-pkcs1" ? key.ExportRSAPrivateKeyPem() : key.ExportPkcs8PrivateKeyPem();
        var data = "challenge"u8.ToArray();

        using var loaded = KubeTls.LoadClientCertificate(issued.ExportCertificatePem(), keyPem);
        using var loadedKey = loaded.GetRSAPrivateKey();

        loaded.Subject.ShouldBe("CN=alice, O=developers");
        loaded.HasPrivateKey.ShouldBeTrue();
        loadedKey.ShouldNotBeNull();
        var signature = loadedKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).ShouldBeTrue();
    }

    [Fact]
    public void LoadClientCertificate_KeyOfAnotherCertificate_Throws()
    {
        using var key = RSA.Create(2048);
        using var otherKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var issued = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Should.Throw<CryptographicException>(() => KubeTls.LoadClientCertificate(issued.ExportCertificatePem(), otherKey.ExportRSAPrivateKeyPem()));
    }
}
