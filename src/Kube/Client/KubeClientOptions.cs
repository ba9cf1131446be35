using System.Net;

namespace Clusterpedia.Kube.Client;

/// <summary>How to reach and authenticate to one Kubernetes API server; an immutable snapshot.</summary>
public sealed class KubeClientOptions
{
    /// <summary>http or https; may contain a path prefix (e.g. a Clusterpedia per-cluster URL).</summary>
    public required Uri Server { get; init; }

    public string? BearerToken { get; init; }

    /// <summary>A token that can change (rotated token file, exec credential plugin); wins over <see cref="BearerToken"/>.</summary>
    public IBearerTokenSource? BearerTokenSource { get; init; }

    /// <summary>PEM bundle of the CAs that sign the server certificate; null uses the system trust store.</summary>
    public string? CertificateAuthorityPem { get; init; }

    public string? ClientCertificatePem { get; init; }

    /// <summary>RSA or EC key, PKCS#1, PKCS#8 or SEC1 PEM.</summary>
    public string? ClientKeyPem { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Name to verify the server certificate against (and SNI) instead of the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>
    /// A kubeconfig cluster's <c>proxy-url</c> (http, https or socks5): every connection goes through it, whatever the
    /// environment's proxy variables say; null uses the environment's (HTTPS_PROXY, NO_PROXY), as client-go does.
    /// <see cref="AllowAddress"/> then applies to the proxy's address, the only one this process connects to.
    /// </summary>
    public Uri? ProxyUrl { get; init; }

    /// <summary>Timeout of one attempt of an ordinary request (a watch only until its response headers).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A watch that receives no bytes at all (not even bookmarks) for this long ends with a <see cref="WatchIdleTimeoutException"/>.</summary>
    public TimeSpan WatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries after the first attempt for transient failures (refused/reset connections, 429, 5xx, timeouts).</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Base delay of the jittered exponential backoff between retries.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one retry delay, Retry-After included.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public string UserAgent { get; init; } = "clusterpedia-dotnet/0.1";

    private Func<IPAddress, bool>? _allowAddress;

    /// <summary>
    /// Which resolved addresses a connection may go to (null: any). Checked when each connection is made, after DNS,
    /// so neither a name that resolves somewhere else later nor a redirect reaches a refused address.
    /// </summary>
    public Func<IPAddress, bool>? AllowAddress { get => _allowAddress; init => _allowAddress = value; }

    /// <summary>A copy of these options whose connections only go to addresses <paramref name="allow"/> accepts.</summary>
    public KubeClientOptions WithAllowAddress(Func<IPAddress, bool> allow)
    {
        var copy = (KubeClientOptions)MemberwiseClone();
        copy._allowAddress = allow;
        return copy;
    }

    /// <summary>
    /// Options from the fields of a PediaCluster (base64 data, as in Clusterpedia): no CA data means TLS
    /// verification is skipped.
    /// </summary>
    public static KubeClientOptions FromPediaCluster(
        string server, string? caDataBase64, string? tokenDataBase64, string? certDataBase64, string? keyDataBase64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        var ca = DecodeBase64(caDataBase64, "caData");
        return new KubeClientOptions
        {
            Server = new Uri(server, UriKind.Absolute),
            CertificateAuthorityPem = ca,
            InsecureSkipTlsVerify = ca is null,
            BearerToken = DecodeBase64(tokenDataBase64, "tokenData")?.Trim(),
            ClientCertificatePem = DecodeBase64(certDataBase64, "certData"),
            ClientKeyPem = DecodeBase64(keyDataBase64, "keyData"),
        };
    }

    private static string? DecodeBase64(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{field} is not valid base64: {e.Message}", e);
        }
    }
}
