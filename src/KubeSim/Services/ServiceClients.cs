using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.KubeSim.Services;

/// <summary>
/// HTTP clients for calling out of the simulator (aggregated API servers, admission webhooks) as kube-apiserver does:
/// TLS 1.2+, the peer's certificate verified against the given <c>caBundle</c> (PEM) and the expected server name,
/// unless verification is explicitly skipped; optionally presenting a client certificate (the front-proxy client).
/// </summary>
internal static class ServiceClients
{
    public static HttpClient Create(string? caBundlePem, bool insecureSkipTlsVerify, string serverName, X509Certificate2? clientCertificate, TimeSpan timeout)
    {
        X509Certificate2Collection? roots = null;
        if (!insecureSkipTlsVerify && !string.IsNullOrWhiteSpace(caBundlePem))
        {
            roots = [];
            roots.ImportFromPem(caBundlePem);
        }

        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    insecureSkipTlsVerify || (certificate is X509Certificate2 presented && IsTrusted(presented, roots, serverName, errors)),
            },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    private static bool IsTrusted(X509Certificate2 presented, X509Certificate2Collection? roots, string serverName, SslPolicyErrors errors)
    {
        if (roots is null)
        {
            // No caBundle: the system roots, as kube-apiserver falls back to them.
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented) && presented.MatchesHostname(serverName);
    }
}
