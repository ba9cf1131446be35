using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// HTTP access to one simulated member cluster the way a script around kubectl reaches it: HTTPS verified against the
/// cluster's own CA, bearer token.
/// </summary>
internal sealed class MemberClient : IDisposable
{
    private readonly X509Certificate2 _ca;

    public MemberClient(SimulatedCluster cluster)
    {
        Cluster = cluster;
        _ca = X509Certificate2.CreateFromPem(cluster.CaCertificatePem ?? throw new InvalidOperationException("the simulator must serve TLS"));
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Trusted(certificate) };
        Http = new HttpClient(handler) { BaseAddress = cluster.Url };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Token);
    }

    public SimulatedCluster Cluster { get; }

    public HttpClient Http { get; }

    public void Dispose()
    {
        Http.Dispose();
        _ca.Dispose();
    }

    private bool Trusted(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
