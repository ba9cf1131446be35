using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Clusterpedia.KubeSim.Security;
using Clusterpedia.KubeSim.Services;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// The aggregator's identity towards aggregated API servers: a front-proxy CA of its own (kube-apiserver's
/// <c>--requestheader-client-ca-file</c>) and the <c>front-proxy-client</c> certificate it signs, plus the HTTP clients
/// that present it, one per trust setting (caBundle or insecure, and server name).
/// </summary>
internal sealed class FrontProxy : IDisposable
{
    public const string ClientName = "front-proxy-client";

    private readonly CertificateAuthority _authority;
    private readonly X509Certificate2 _clientCertificate;
    private readonly ConcurrentDictionary<(string? CaBundle, bool Insecure, string ServerName, bool Streaming), HttpClient> _clients = new();

    public FrontProxy(string clusterName, TimeProvider time)
    {
        _authority = new CertificateAuthority("front-proxy-" + clusterName, time);
        var (certificatePem, keyPem) = _authority.IssueClient(ClientName, []);
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        _clientCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>PEM of the front-proxy CA: what a backend trusts as its request-header CA.</summary>
    public string CaPem => _authority.CertificatePem;

    /// <summary>
    /// A client presenting the front-proxy certificate and verifying the backend as the APIService says. Streaming
    /// clients (the proxy) have no overall timeout, since watches last; the others give up after 5 seconds.
    /// </summary>
    public HttpClient ClientFor(ApiServiceInfo apiService, string serverName, bool streaming) =>
        _clients.GetOrAdd(
            (apiService.CaBundlePem, apiService.InsecureSkipTlsVerify, serverName, streaming),
            key => ServiceClients.Create(
                key.CaBundle, key.Insecure, key.ServerName, _clientCertificate, key.Streaming ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(5)));

    /// <summary>The availability check's client: like upstream it skips TLS verification, it only asks "is anyone there".</summary>
    public HttpClient CheckClient() =>
        _clients.GetOrAdd((null, true, string.Empty, false), _ => ServiceClients.Create(null, true, "check", _clientCertificate, TimeSpan.FromSeconds(5)));

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clientCertificate.Dispose();
        _authority.Dispose();
    }
}
