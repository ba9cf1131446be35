using System.Security.Cryptography.X509Certificates;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Security;

/// <summary>Client certificates issued by the simulator's CA: CN is the user, each O a group (kube-apiserver's x509 authenticator).</summary>
internal sealed class ClientCertificateAuthenticator : IRequestAuthenticator
{
    private readonly CertificateAuthority _authority;

    public ClientCertificateAuthenticator(CertificateAuthority authority)
    {
        _authority = authority;
    }

    public AuthenticationResult Authenticate(HttpContext context) =>
        context.Connection.ClientCertificate is { } certificate && _authority.IsValidClient(certificate)
            ? AuthenticationResult.Success(UserOf(certificate))
            : AuthenticationResult.None;

    private static UserInfo UserOf(X509Certificate2 certificate)
    {
        var name = string.Empty;
        var groups = new List<string>();
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = part.GetSingleElementType().Value;
            var value = part.GetSingleElementValue() ?? string.Empty;
            if (oid == "2.5.4.3")
            {
                name = value;
            }
            else if (oid == "2.5.4.10")
            {
                groups.Add(value);
            }
        }

        return UserInfo.Authenticated(name, null, groups);
    }
}
