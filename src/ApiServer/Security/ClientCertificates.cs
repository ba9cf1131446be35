using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.ApiServer.Security;

/// <summary>Verifies a client certificate against a CA bundle (PEM text) for client authentication, as kube's x509 authenticator.</summary>
internal sealed class ClientCertificates
{
    private static readonly string _clientAuth = "1.3.6.1.5.5.7.3.2";
    private readonly X509Certificate2Collection _roots = [];

    public ClientCertificates(string caBundlePem)
    {
        _roots.ImportFromPem(caBundlePem);
        if (_roots.Count == 0)
        {
            throw new InvalidOperationException("the CA bundle holds no PEM certificate");
        }
    }

    public static ClientCertificates FromFile(string path, string flag)
    {
        try
        {
            return new ClientCertificates(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"Security: {flag} {path}: {e.Message}", e);
        }
    }

    public bool Verify(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(_clientAuth));
        return chain.Build(certificate);
    }
}
